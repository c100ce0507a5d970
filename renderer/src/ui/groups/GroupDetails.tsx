import { useState, type FormEvent, type ReactElement } from 'react';
import { HearthError, type ConversationSummary } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Avatar } from '../common/Avatar';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { Dialog } from '../common/Dialog';
import { DisappearingSetting } from '../conversation/DisappearingSetting';
import { Icon } from '../Icon';
import { ContactPicker } from './ContactPicker';
import '../contacts/ContactDetails.css';
import '../common/Form.css';
import './Groups.css';

type Pending = { readonly kind: 'remove'; readonly memberId: string } | { readonly kind: 'leave' } | { readonly kind: 'add' } | null;

/**
 * A group's details beside the chat: its name (rename), members (add,
 * remove), the disappearing timer, and leaving. Once you are no longer a
 * member, everything is shown and nothing can be changed.
 */
export function GroupDetails({ messenger, conversation, onClose }: { messenger: MessengerStore; conversation: ConversationSummary; onClose: () => void }): ReactElement {
  useStore(messenger); // names follow contact updates
  const member = conversation.isMember !== false;
  const memberIds = conversation.memberIds ?? [];
  const [name, setName] = useState(conversation.title);
  const [renaming, setRenaming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const id = conversation.id;
  const client = messenger.client;

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    const next = name.trim();
    if (!next || next === conversation.title) {
      setRenaming(false);
      return;
    }
    setError(null);
    try {
      await messenger.changeConversation(client.call('groups.rename', { conversationId: id, name: next }));
      setRenaming(false);
    } catch (failure) {
      setError(HearthError.from(failure).message);
    }
  };

  return (
    <aside className="contact-details group-details" aria-labelledby="group-details-title">
      <header className="contact-details__header">
        <h2 id="group-details-title" className="contact-details__title">
          {t('group.details')}
        </h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} title={t('common.close')} onClick={onClose}>
          <Icon name="cross" />
        </button>
      </header>
      <div className="contact-details__who">
        <Avatar name={conversation.title} size="l" />
        {renaming ? (
          <form className="group-details__rename" onSubmit={(event) => void rename(event)}>
            <label className="visually-hidden" htmlFor="group-rename">
              {t('group.name')}
            </label>
            <input id="group-rename" className="field__input" autoComplete="off" maxLength={64} value={name} autoFocus onChange={(event) => setName(event.target.value)} onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                event.stopPropagation();
                setName(conversation.title);
                setRenaming(false);
              }
            }} />
            <button type="submit" className="button button--primary button--small">
              {t('group.renameSave')}
            </button>
          </form>
        ) : (
          <>
            <p className="contact-details__name">{conversation.title}</p>
            {member ? (
              <button type="button" className="button button--secondary button--small" onClick={() => setRenaming(true)}>
                <Icon name="pencil" />
                {t('group.rename')}
              </button>
            ) : null}
          </>
        )}
        <p className="contact-details__username">{memberCount(memberIds.length + (member ? 1 : 0))}</p>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {!member ? <p className="form-note">{t('group.notMember')}</p> : null}

      <section className="details-section" aria-labelledby="group-members-title">
        <h3 id="group-members-title" className="details-section__title">
          {t('group.members')}
        </h3>
        <ul className="member-list">
          {member ? (
            <li className="member-list__item">
              <Avatar name={messenger.getSnapshot().account?.displayName ?? messenger.getSnapshot().account?.username ?? t('group.you')} size="s" />
              <span className="member-list__name">{t('group.you')}</span>
            </li>
          ) : null}
          {memberIds.map((memberId) => {
            const memberName = messenger.nameOf(memberId);
            return (
              <li key={memberId} className="member-list__item">
                <Avatar name={memberName} size="s" />
                <span className="member-list__name">{memberName}</span>
                {member ? (
                  <button type="button" className="icon-button" aria-label={t('group.remove', { name: memberName })} title={t('group.remove', { name: memberName })} onClick={() => setPending({ kind: 'remove', memberId })}>
                    <Icon name="cross" />
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
        {member ? (
          <button type="button" className="button button--secondary" onClick={() => setPending({ kind: 'add' })}>
            <Icon name="plus" />
            {t('group.add')}
          </button>
        ) : null}
      </section>

      <DisappearingSetting messenger={messenger} conversation={conversation} disabled={!member} />

      {member ? (
        <button type="button" className="button button--danger" onClick={() => setPending({ kind: 'leave' })}>
          <Icon name="logOut" />
          {t('group.leave')}
        </button>
      ) : null}

      {pending?.kind === 'remove' ? (
        <ConfirmDialog
          title={t('group.removeConfirm.title', { name: messenger.nameOf(pending.memberId) })}
          body={t('group.removeConfirm.body', { name: messenger.nameOf(pending.memberId) })}
          actions={[{ label: t('group.removeConfirm.action'), run: async () => void (await messenger.changeConversation(client.call('groups.removeMember', { conversationId: id, memberId: pending.memberId }))) }]}
          onClose={() => setPending(null)}
        />
      ) : null}
      {pending?.kind === 'leave' ? (
        <ConfirmDialog
          title={t('group.leaveConfirm.title', { name: conversation.title })}
          body={t('group.leaveConfirm.body')}
          actions={[{ label: t('group.leave'), run: async () => void (await messenger.changeConversation(client.call('groups.leave', { conversationId: id }))) }]}
          onClose={() => setPending(null)}
        />
      ) : null}
      {pending?.kind === 'add' ? <AddMembersDialog messenger={messenger} conversation={conversation} onClose={() => setPending(null)} /> : null}
    </aside>
  );
}

/** "1 member", "3 members" (you included). */
export function memberCount(count: number): string {
  return count === 1 ? t('group.memberCount.one') : t('group.memberCount', { count });
}

/** Adds contacts who are not in the group yet. */
function AddMembersDialog({ messenger, conversation, onClose }: { messenger: MessengerStore; conversation: ConversationSummary; onClose: () => void }): ReactElement {
  const { contacts } = useStore(messenger);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inGroup = new Set(conversation.memberIds ?? []);
  const choices = [...contacts.values()].filter((c) => !inGroup.has(c.id) && !c.blocked);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (selected.size === 0) return setError(t('group.pickSomeone'));
    setBusy(true);
    setError(null);
    try {
      await messenger.changeConversation(messenger.client.call('groups.addMembers', { conversationId: conversation.id, memberIds: [...selected] }));
      onClose();
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('group.add')} onClose={onClose} className="dialog--wide">
      <form className="form-stack" onSubmit={(event) => void submit(event)} noValidate>
        <ContactPicker contacts={choices} selected={selected} onChange={setSelected} />
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" />
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('group.addConfirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
