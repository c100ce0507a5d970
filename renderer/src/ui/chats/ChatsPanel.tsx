import { useId, useRef, useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Icon } from '../Icon';
import { ConversationList } from './ConversationList';
import { SearchResults } from './SearchResults';
import '../ListPanel.css';
import './ChatsPanel.css';

/** The middle column in the Chats view: new chat, search over all history, and the chat list. */
export function ChatsPanel({ messenger, onNewConversation, onNewGroup, newConversationHint }: { messenger: MessengerStore; onNewConversation: () => void; onNewGroup?: () => void; newConversationHint: string }): ReactElement {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const input = useRef<HTMLInputElement>(null);
  const searching = query.trim().length > 0;
  return (
    <section className="list-panel" aria-labelledby="chats-title">
      <header className="list-panel__header">
        <h2 id="chats-title" className="list-panel__title">
          {t('chats.title')}
        </h2>
        {onNewGroup ? (
          <button type="button" className="icon-button list-panel__action" aria-label={t('group.new')} title={t('group.new')} onClick={onNewGroup}>
            <Icon name="users" />
          </button>
        ) : null}
        <button type="button" className="icon-button" aria-label={t('chats.compose')} aria-keyshortcuts={newConversationHint} title={`${t('chats.compose')} (${newConversationHint})`} onClick={onNewConversation}>
          <Icon name="compose" />
        </button>
      </header>
      <RelayStatus messenger={messenger} />
      <div role="search" className="search-field">
        <label htmlFor={searchId} className="visually-hidden">
          {t('chats.search.label')}
        </label>
        <Icon name="search" className="search-field__icon" />
        <input
          ref={input}
          id={searchId}
          className="search-field__input"
          type="search"
          autoComplete="off"
          spellCheck={false}
          placeholder={t('chats.search.placeholder')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault();
              event.stopPropagation();
              setQuery('');
            }
          }}
        />
      </div>
      <div className="list-panel__body">{searching ? <SearchResults messenger={messenger} query={query} onChosen={() => undefined} /> : <ConversationList messenger={messenger} />}</div>
    </section>
  );
}

/** Says so while the core cannot reach the relay: messages wait in the outbox until it can. */
function RelayStatus({ messenger }: { messenger: MessengerStore }): ReactElement {
  const { connection } = useStore(messenger);
  const offline = connection !== null && connection.state !== 'online';
  return (
    <p className={offline ? 'relay-status relay-status--visible' : 'relay-status'} role="status">
      {offline ? (connection.state === 'connecting' ? t('connection.relay.connecting') : `${t('connection.relay.offline')}${connection.lastError ? `: ${connection.lastError}` : ''}. ${t('connection.relay.queued')}`) : ''}
    </p>
  );
}
