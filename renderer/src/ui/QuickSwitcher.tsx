import { useId, useState, type KeyboardEvent, type ReactElement } from 'react';
import { t } from '../i18n';
import type { MessengerStore } from '../state/messenger-store';
import { useStore } from '../state/use-store';
import { Avatar } from './common/Avatar';
import { Dialog } from './common/Dialog';
import './QuickSwitcher.css';

/**
 * Ctrl/Cmd+K: type part of a name, arrows to choose, Enter to open. A
 * combobox over a listbox, as the WAI-ARIA practices describe it.
 */
export function QuickSwitcher({ messenger, onClose }: { messenger: MessengerStore; onClose: () => void }): ReactElement {
  const { conversations } = useStore(messenger);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const lower = query.trim().toLocaleLowerCase();
  const matches = conversations.filter((c) => c.title.toLocaleLowerCase().includes(lower)).slice(0, 20);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  const open = (id: string) => {
    messenger.openConversation(id);
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (matches.length) setActive((current + (event.key === 'ArrowDown' ? 1 : -1) + matches.length) % matches.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = matches[current];
      if (chosen) open(chosen.id);
    }
  };

  return (
    <Dialog title={t('switcher.title')} onClose={onClose} className="quick-switcher">
      <input
        className="field__input quick-switcher__input"
        role="combobox"
        aria-label={t('switcher.label')}
        aria-expanded={matches.length > 0}
        aria-controls={listId}
        aria-activedescendant={matches[current] ? `${listId}-${current}` : undefined}
        aria-autocomplete="list"
        data-autofocus
        autoComplete="off"
        spellCheck={false}
        placeholder={t('switcher.placeholder')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" className="quick-switcher__list" aria-label={t('switcher.results')}>
        {matches.map((conversation, index) => (
          <li key={conversation.id} id={`${listId}-${index}`} role="option" aria-selected={index === current} className="quick-switcher__option" onClick={() => open(conversation.id)} onMouseMove={() => setActive(index)}>
            <Avatar name={conversation.title} size="s" />
            <span>{conversation.title}</span>
            {conversation.unreadCount > 0 ? <span className="chat-row__unread">{conversation.unreadCount}</span> : null}
          </li>
        ))}
      </ul>
      {matches.length === 0 ? <p className="field__hint">{t('switcher.none')}</p> : null}
    </Dialog>
  );
}
