import { useState, type FormEvent, type ReactElement } from 'react';
import { HearthError, Username } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { Dialog } from '../common/Dialog';
import { Icon } from '../Icon';
import '../common/Form.css';

/** New chat: add a contact by their relay username, then open the chat with them. */
export function NewConversationDialog({ messenger, onClose, onNewGroup }: { messenger: MessengerStore; onClose: () => void; onNewGroup?: () => void }): ReactElement {
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const valid = Username.safeParse(username).success;
  const self = messenger.getSnapshot().account?.username;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || busy) return;
    if (username === self) {
      setError(t('newChat.self'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await messenger.startConversation(username);
      onClose();
    } catch (failure) {
      const problem = HearthError.from(failure);
      setError(problem.kind === 'not-found' ? t('newChat.notFound', { username }) : problem.message);
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('newChat.title')} onClose={onClose}>
      <form className="form-stack" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label className="field__label" htmlFor="new-chat-username">
            {t('newChat.username')}
          </label>
          <input
            id="new-chat-username"
            className="field__input"
            data-autofocus
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            aria-describedby="new-chat-hint"
            aria-invalid={error ? true : undefined}
            onChange={(event) => {
              setUsername(event.target.value.trim().toLowerCase());
              setError(null);
            }}
          />
          <p className="field__hint" id="new-chat-hint">
            {t('newChat.hint')}
          </p>
        </div>
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" />
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          {onNewGroup ? (
            <button type="button" className="button button--secondary form-actions__start" onClick={onNewGroup}>
              <Icon name="users" />
              {t('group.new')}
            </button>
          ) : null}
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={!valid || busy}>
            {busy ? t('newChat.looking') : t('newChat.start')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
