import { useId, useState, type ReactElement } from 'react';
import { HearthError, type ConversationSummary } from '../../../../shared/api';
import { t } from '../../i18n';
import { TIMER_CHOICES } from '../../model/expiry';
import type { MessengerStore } from '../../state/messenger-store';
import '../common/Form.css';

/** The conversation's disappearing-messages timer; changing it tells everyone in the chat (a notice on each side). */
export function DisappearingSetting({ messenger, conversation, disabled }: { messenger: MessengerStore; conversation: ConversationSummary; disabled?: boolean }): ReactElement {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const value = conversation.expireTimerMs ?? null;
  const change = async (raw: string) => {
    const expireTimerMs = raw === 'off' ? null : Number(raw);
    setBusy(true);
    setError(null);
    try {
      await messenger.changeConversation(messenger.client.call('conversations.setExpireTimer', { conversationId: conversation.id, expireTimerMs }));
    } catch (failure) {
      setError(HearthError.from(failure).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="details-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="details-section__title">
        {t('timer.label')}
      </h3>
      <div className="field">
        <label className="visually-hidden" htmlFor={id}>
          {t('timer.label')}
        </label>
        <select id={id} className="field__select" value={value === null ? 'off' : String(value)} disabled={busy || disabled} aria-describedby={`${id}-hint`} onChange={(event) => void change(event.target.value)}>
          {TIMER_CHOICES.map((choice) => (
            <option key={choice.label} value={choice.ms === null ? 'off' : String(choice.ms)}>
              {t(choice.label)}
            </option>
          ))}
        </select>
        <p id={`${id}-hint`} className="field__hint">
          {t('timer.hint')}
        </p>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

/** Whether our messages here travel in sealed-sender envelopes, and what that means, in plain words. */
export function SealedSenderInfo({ sealedSender, name }: { sealedSender: boolean | null | undefined; name: string }): ReactElement {
  return (
    <section className="details-section" aria-labelledby="sealed-sender-title">
      <h3 id="sealed-sender-title" className="details-section__title">
        {t('sealed.title')}
      </h3>
      <p className="details-section__text" data-testid="sealed-sender">
        {sealedSender === true ? t('sealed.on', { name }) : sealedSender === false ? t('sealed.off', { name }) : t('sealed.unknown')}
      </p>
    </section>
  );
}
