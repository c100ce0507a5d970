import { useId, useMemo, useState, type ReactElement } from 'react';
import type { Contact } from '../../../../shared/api';
import { t } from '../../i18n';
import { Avatar } from '../common/Avatar';
import '../common/Form.css';
import './Groups.css';

/** Contacts to choose from: a search box and a checkbox per contact (name and username). */
export function ContactPicker({ contacts, selected, onChange }: { contacts: readonly Contact[]; selected: ReadonlySet<string>; onChange: (selected: Set<string>) => void }): ReactElement {
  const id = useId();
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return contacts.filter((c) => !q || c.username.includes(q) || (c.displayName ?? '').toLowerCase().includes(q));
  }, [contacts, query]);
  const toggle = (contactId: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(contactId);
    else next.delete(contactId);
    onChange(next);
  };
  if (contacts.length === 0) return <p className="form-note">{t('group.noContacts')}</p>;
  return (
    <fieldset className="contact-picker">
      <legend className="field__label">{t('group.members')}</legend>
      <label className="visually-hidden" htmlFor={`${id}-search`}>
        {t('group.search')}
      </label>
      <input id={`${id}-search`} className="field__input" type="search" autoComplete="off" spellCheck={false} placeholder={t('group.search')} value={query} onChange={(event) => setQuery(event.target.value)} />
      <p className="field__hint" aria-live="polite">
        {t('group.selected', { count: selected.size })}
      </p>
      {shown.length === 0 ? <p className="form-note">{t('group.noMatch')}</p> : null}
      <ul className="contact-picker__list">
        {shown.map((contact) => {
          const name = contact.displayName ?? contact.username;
          return (
            <li key={contact.id}>
              <label className="checkbox contact-picker__item">
                <input type="checkbox" checked={selected.has(contact.id)} onChange={(event) => toggle(contact.id, event.target.checked)} />
                <Avatar name={name} size="s" />
                <span>
                  {name}
                  {contact.displayName ? <span className="contact-picker__username"> @{contact.username}</span> : null}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
