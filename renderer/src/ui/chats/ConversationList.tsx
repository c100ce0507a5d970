import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { useRovingFocus } from '../use-roving-focus';
import { ConversationRow } from './ConversationRow';

/** The chats, most recent first; arrow keys move between them, Enter opens one. */
export function ConversationList({ messenger }: { messenger: MessengerStore }): ReactElement {
  const { conversations, activeConversationId, typing, loaded, loadError, contacts } = useStore(messenger);
  const nameOf = useCallback((contactId: string) => contacts.get(contactId)?.displayName ?? contactId, [contacts]);
  const now = useMinuteClock();
  const activeIndex = conversations.findIndex((c) => c.id === activeConversationId);
  const roving = useRovingFocus(conversations.length, Math.max(0, activeIndex), 'vertical');
  const open = useCallback((id: string) => messenger.openConversation(id), [messenger]);

  if (loadError) {
    return (
      <div className="list-panel__empty" role="alert">
        <p className="list-panel__empty-body">{loadError}</p>
        <button type="button" className="button button--secondary button--small" onClick={() => void messenger.load()}>
          {t('error.retry')}
        </button>
      </div>
    );
  }
  if (!loaded) return <p className="list-panel__empty-body">{t('app.loading')}</p>;
  if (conversations.length === 0) {
    return (
      <div className="list-panel__empty">
        <p className="list-panel__empty-title">{t('chats.empty.title')}</p>
        <p className="list-panel__empty-body">{t('chats.empty.body')}</p>
      </div>
    );
  }
  return (
    <ul className="chat-list" aria-label={t('chats.list.label')}>
      {conversations.map((conversation, index) => (
        <ConversationRow key={conversation.id} conversation={conversation} active={conversation.id === activeConversationId} typing={typing.has(conversation.id)} now={now} onOpen={open} roving={roving(index)} nameOf={nameOf} />
      ))}
    </ul>
  );
}

/** The time, refreshed each minute, so "today" and "yesterday" stay true. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
