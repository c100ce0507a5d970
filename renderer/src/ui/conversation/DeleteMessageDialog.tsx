import { useState, type ReactElement } from 'react';
import { HearthError, type Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { Dialog } from '../common/Dialog';
import { Icon } from '../Icon';
import '../common/Form.css';

/**
 * Delete a message: for me (this device only) or, for your own messages
 * within 24 hours, for everyone (a tombstone on every side). Cancel is
 * focused first.
 */
export function DeleteMessageDialog({ message, forEveryone, onDelete, onClose }: { message: Message; forEveryone: boolean; onDelete: (message: Message, forEveryone: boolean) => Promise<void>; onClose: () => void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (everyone: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await onDelete(message, everyone);
      onClose();
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('delete.title')} onClose={onClose} describedBy="delete-body">
      <div className="form-stack">
        <p id="delete-body" className="form-note">
          {forEveryone ? t('delete.body') : t('delete.bodyForMe')}
        </p>
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" />
            {error}
          </p>
        ) : null}
        <div className="form-actions form-actions--wrap">
          <button type="button" className="button button--secondary" data-autofocus onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void run(false)}>
            {t('delete.forMe')}
          </button>
          {forEveryone ? (
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void run(true)}>
              {t('delete.forEveryone')}
            </button>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}
