import { useId, useState, type ReactElement } from 'react';
import { t } from '../i18n';
import { Icon } from './Icon';
import './ListPanel.css';

/**
 * The middle column in the Chats view: search and the chat list. There are no
 * conversations in the contract yet, so the list is always empty; the search
 * already filters it.
 */
export function ChatsPanel(): ReactElement {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const trimmed = query.trim();
  return (
    <section className="list-panel" aria-labelledby="chats-title">
      <header className="list-panel__header">
        <h2 id="chats-title" className="list-panel__title">
          {t('chats.title')}
        </h2>
      </header>
      <div className="search-field">
        <label htmlFor={searchId} className="visually-hidden">
          {t('chats.search.label')}
        </label>
        <Icon name="search" className="search-field__icon" />
        <input id={searchId} className="search-field__input" type="search" autoComplete="off" spellCheck={false} placeholder={t('chats.search.placeholder')} value={query} onChange={(event) => setQuery(event.target.value)} />
      </div>
      <div className="list-panel__body" role="status">
        {trimmed ? (
          <p className="list-panel__empty-body">{t('chats.noResults', { query: trimmed })}</p>
        ) : (
          <div className="list-panel__empty">
            <p className="list-panel__empty-title">{t('chats.empty.title')}</p>
            <p className="list-panel__empty-body">{t('chats.empty.body')}</p>
          </div>
        )}
      </div>
    </section>
  );
}
