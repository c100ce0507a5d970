import { useEffect, useState, type ReactElement } from 'react';
import { HearthError, type HearthClient, type MessageVersion } from '../../../../shared/api';
import { t } from '../../i18n';
import { formatFull } from '../../model/format';
import { Dialog } from '../common/Dialog';
import { Icon } from '../Icon';
import '../common/Form.css';

/** Every version of an edited message, newest first, each with when it was written. */
export function EditHistoryDialog({ client, messageId, onClose }: { client: HearthClient; messageId: string; onClose: () => void }): ReactElement {
  const [versions, setVersions] = useState<MessageVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    client.call('messages.getEditHistory', { messageId }).then(
      (found) => current && setVersions(found),
      (failure: unknown) => current && setError(HearthError.from(failure).message),
    );
    return () => {
      current = false;
    };
  }, [client, messageId]);

  return (
    <Dialog title={t('edit.history.title')} onClose={onClose}>
      {error ? (
        <p className="form-error" role="alert">
          <Icon name="alert" />
          {error}
        </p>
      ) : versions ? (
        <ol className="edit-history" data-testid="edit-history" reversed>
          {versions
            .map((version, index) => ({ version, index }))
            .reverse()
            .map(({ version, index }) => (
              <li key={index} className="edit-history__version">
                <span className="edit-history__label">
                  {index === versions.length - 1 ? t('edit.history.current') : t('edit.history.version', { number: index + 1 })}
                  {' · '}
                  <time dateTime={new Date(version.at).toISOString()}>{formatFull(version.at)}</time>
                </span>
                <p className="edit-history__body">{version.body}</p>
              </li>
            ))}
        </ol>
      ) : (
        <p className="form-note">{t('edit.history.loading')}</p>
      )}
    </Dialog>
  );
}
