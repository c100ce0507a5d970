import { useEffect, useState, type ReactElement, type ReactNode } from 'react';
import { HearthError, type Contact, type SafetyNumber } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { Avatar } from '../common/Avatar';
import { Icon } from '../Icon';
import { QrCode } from './QrCode';
import './ContactDetails.css';

/**
 * A contact's details: name, username, the safety number (60 digits in 12
 * groups, and as a QR code) and whether it was verified. Comparing the
 * numbers in person or over a call, then marking verified, makes Hearth hold
 * messages if their key ever changes.
 */
export function ContactDetails({ messenger, contact, onClose, children }: { messenger: MessengerStore; contact: Contact; onClose: () => void; children?: ReactNode }): ReactElement {
  const [safety, setSafety] = useState<SafetyNumber | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = contact.displayName ?? contact.username;

  useEffect(() => {
    let current = true;
    messenger.client.call('contacts.getSafetyNumber', { contactId: contact.id }).then(
      (number) => current && setSafety(number),
      (failure: unknown) => current && setError(HearthError.from(failure).message),
    );
    return () => {
      current = false;
    };
    // A new identity means a new number: fetch again when it changes.
  }, [messenger, contact.id, contact.identityChanged, contact.verified]);

  const toggleVerified = async () => {
    setBusy(true);
    setError(null);
    try {
      await messenger.setVerified(contact.id, !contact.verified);
    } catch (failure) {
      setError(HearthError.from(failure).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="contact-details" aria-labelledby="contact-details-title">
      <header className="contact-details__header">
        <h2 id="contact-details-title" className="contact-details__title">
          {t('contact.title')}
        </h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} title={t('common.close')} onClick={onClose}>
          <Icon name="cross" />
        </button>
      </header>
      <div className="contact-details__who">
        <Avatar name={name} size="l" />
        <p className="contact-details__name">{name}</p>
        <p className="contact-details__username">@{contact.username}</p>
        {contact.verified ? (
          <p className="verified-badge">
            <Icon name="shieldCheck" />
            {t('contact.verified')}
          </p>
        ) : null}
      </div>
      <section className="safety-number" aria-labelledby="safety-number-title">
        <h3 id="safety-number-title" className="safety-number__title">
          {t('safety.title')}
        </h3>
        <p className="safety-number__lead">{t('safety.lead', { name })}</p>
        {safety ? (
          <>
            <QrCode payloadBase64={safety.qrPayload} label={t('safety.qr', { name })} />
            <p className="safety-number__digits" data-testid="safety-number">
              {safety.groups.map((group, i) => (
                <span key={i}>{`${group} `}</span>
              ))}
            </p>
          </>
        ) : error ? null : (
          <p className="safety-number__lead">{t('app.loading')}</p>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="button" className={contact.verified ? 'button button--secondary' : 'button button--primary'} disabled={busy || !safety} onClick={() => void toggleVerified()}>
          <Icon name="shieldCheck" />
          {contact.verified ? t('safety.unverify') : t('safety.verify')}
        </button>
      </section>
      {children}
    </aside>
  );
}
