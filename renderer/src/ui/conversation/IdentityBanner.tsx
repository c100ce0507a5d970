import { useState, type ReactElement } from 'react';
import { HearthError, type Contact } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { Icon } from '../Icon';

/**
 * Shown while a contact's safety number has changed and the person has not
 * accepted the new one. When the contact was verified, sending is held
 * until they do (Signal's "safety number changed" flow).
 */
export function IdentityBanner({ messenger, contact, onShowSafetyNumber }: { messenger: MessengerStore; contact: Contact; onShowSafetyNumber: () => void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = contact.displayName ?? contact.username;
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      await messenger.acceptIdentityChange(contact.id);
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setBusy(false);
    }
  };
  return (
    <div className="identity-banner" role="region" aria-label={t('identity.banner.label')}>
      <Icon name="alert" />
      <p className="identity-banner__text">
        {t(contact.sendingHeld ? 'identity.banner.held' : 'identity.banner', { name })}
        {error ? <span className="identity-banner__error"> {error}</span> : null}
      </p>
      <div className="identity-banner__actions">
        <button type="button" className="button button--secondary button--small" onClick={onShowSafetyNumber}>
          {t('notice.viewSafetyNumber')}
        </button>
        <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void accept()}>
          {t('identity.accept')}
        </button>
      </div>
    </div>
  );
}
