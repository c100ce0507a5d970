import { useEffect, useState, type ReactElement } from 'react';
import { HearthError, type SearchHit } from '../../../../shared/api';
import { t } from '../../i18n';
import { formatListTime } from '../../model/format';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Avatar } from '../common/Avatar';
import { useRovingFocus } from '../use-roving-focus';

/** Waits this long after the last keystroke before asking the core. */
const SEARCH_DELAY_MS = 120;

type Results = { query: string; hits: readonly SearchHit[]; error: string | null };

/**
 * Search across all history: chats whose name matches, then messages, each
 * with the matching words highlighted. Choosing a message opens its chat at
 * that message.
 */
export function SearchResults({ messenger, query, onChosen }: { messenger: MessengerStore; query: string; onChosen: () => void }): ReactElement {
  const { conversations } = useStore(messenger);
  const [results, setResults] = useState<Results | null>(null);
  const trimmed = query.trim();

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      messenger.client.call('search.messages', { query: trimmed, limit: 50 }).then(
        ({ hits }) => current && setResults({ query: trimmed, hits, error: null }),
        (error: unknown) => current && setResults({ query: trimmed, hits: [], error: HearthError.from(error).message }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [messenger, trimmed]);

  const lower = trimmed.toLocaleLowerCase();
  const chats = conversations.filter((c) => c.title.toLocaleLowerCase().includes(lower)).slice(0, 5);
  const hits = results?.query === trimmed ? results.hits : [];
  const roving = useRovingFocus(chats.length + hits.length, 0, 'vertical');
  const now = Date.now();
  const pending = results?.query !== trimmed;

  return (
    <div className="search-results" aria-busy={pending || undefined}>
      {chats.length > 0 ? (
        <section aria-labelledby="search-chats">
          <h3 id="search-chats" className="search-results__heading">
            {t('search.chats')}
          </h3>
          <ul className="chat-list">
            {chats.map((chat, index) => (
              <li key={chat.id}>
                <button
                  type="button"
                  className="chat-row"
                  onClick={() => {
                    messenger.openConversation(chat.id);
                    onChosen();
                  }}
                  {...roving(index)}
                >
                  <Avatar name={chat.title} />
                  <span className="chat-row__main">
                    <span className="chat-row__title">{chat.title}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="search-messages">
        <h3 id="search-messages" className="search-results__heading">
          {t('search.messages')}
        </h3>
        <p className="visually-hidden" role="status">
          {pending ? '' : t('search.count', { count: hits.length })}
        </p>
        {results?.error ? <p className="list-panel__empty-body">{results.error}</p> : null}
        {!pending && hits.length === 0 && !results?.error ? <p className="list-panel__empty-body">{t('chats.noResults', { query: trimmed })}</p> : null}
        <ul className="chat-list" aria-label={t('search.messages')}>
          {hits.map((hit, index) => {
            const title = messenger.conversation(hit.conversationId)?.title ?? hit.conversationId;
            return (
              <li key={hit.messageId}>
                <button
                  type="button"
                  className="chat-row search-hit"
                  onClick={() => {
                    messenger.openConversation(hit.conversationId, hit.messageId);
                    onChosen();
                  }}
                  {...roving(chats.length + index)}
                >
                  <Avatar name={title} />
                  <span className="chat-row__main">
                    <span className="chat-row__top">
                      <span className="chat-row__title">{title}</span>
                      <span className="chat-row__time">{formatListTime(hit.sentAt, now)}</span>
                    </span>
                    <span className="search-hit__snippet">
                      {hit.snippet.map((piece, i) => (piece.match ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>))}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
