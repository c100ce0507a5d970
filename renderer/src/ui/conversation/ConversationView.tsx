import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import { HearthError, type Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { timerLabel } from '../../model/expiry';
import { abilitiesOf } from '../../model/message-actions';
import { AttachmentDraftsStore } from '../../state/attachment-drafts-store';
import { MessageListStore } from '../../state/message-list-store';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { messageSummary } from '../../model/attachment-summary';
import { ConversationAttachments } from '../attachments/ConversationAttachments';
import { DropZone } from '../attachments/PickedFiles';
import { useFileDrop } from '../attachments/use-file-drop';
import { Avatar } from '../common/Avatar';
import { useWindowActive } from '../common/use-window-active';
import { ContactDetails } from '../contacts/ContactDetails';
import { Icon } from '../Icon';
import { GroupDetails, memberCount } from '../groups/GroupDetails';
import { Composer, type ComposerMode } from './Composer';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { SealedSenderInfo, DisappearingSetting } from './DisappearingSetting';
import { EditHistoryDialog } from './EditHistoryDialog';
import type { MessageActionHandlers } from './MessageRow';
import { IdentityBanner } from './IdentityBanner';
import { MessageList } from './MessageList';
import './ConversationView.css';
import './ConversationActions.css';
import '../groups/Groups.css';

type MessageDialog = { readonly kind: 'delete'; readonly message: Message } | { readonly kind: 'history'; readonly messageId: string } | null;

/** One open chat: header, identity banner, messages, typing indicator, composer, and the chat's details on demand. */
export function ConversationView({ messenger, conversationId, detailsOpen, onDetailsOpenChange }: { messenger: MessengerStore; conversationId: string; detailsOpen: boolean; onDetailsOpenChange: (open: boolean) => void }): ReactElement {
  const state = useStore(messenger);
  const conversation = state.conversations.find((c) => c.id === conversationId);
  const contact = conversation?.contactId ? state.contacts.get(conversation.contactId) : undefined;
  const [list] = useState(() => new MessageListStore(messenger.client, conversationId));
  const [drafts] = useState(() => new AttachmentDraftsStore(messenger.client));
  const [atEnd, setAtEnd] = useState(true);
  const windowActive = useWindowActive();
  const typing = state.typing.has(conversationId);
  const group = conversation?.type === 'group';
  const name = group ? conversation.title : (contact?.displayName ?? conversation?.title ?? conversationId);
  const member = conversation?.isMember !== false;
  const [mode, setMode] = useState<ComposerMode | null>(null);
  const [dialog, setDialog] = useState<MessageDialog>(null);
  const nameOf = useCallback((contactId: string) => state.contacts.get(contactId)?.displayName ?? contactId, [state.contacts]);

  useEffect(() => {
    list.start(messenger.getSnapshot().focusMessageId);
    return () => list.stop();
  }, [list, messenger]);

  // A search hit chosen while this chat is already open.
  useEffect(() => {
    if (!state.focusMessageId) return;
    void list.jumpTo(state.focusMessageId);
    messenger.clearFocusMessage();
  }, [state.focusMessageId, list, messenger]);

  // What is on screen, at the newest message, in an active window, has been read.
  const unread = conversation?.unreadCount ?? 0;
  useEffect(() => {
    if (unread > 0 && atEnd && windowActive) messenger.client.call('conversations.markRead', { conversationId }).catch(() => undefined);
  }, [unread, atEnd, windowActive, messenger, conversationId]);

  // Screen readers hear what arrives in the open chat, as sighted people see it appear.
  const [announcement, setAnnouncement] = useState('');
  useEffect(
    () =>
      messenger.client.on('messages.onDidAdd', ({ message }) => {
        if (message.conversationId === conversationId && message.direction === 'incoming' && message.kind === 'text' && messageSummary(message)) setAnnouncement(t('conversation.announce', { name, body: messageSummary(message) }));
      }),
    [messenger, conversationId, name],
  );

  const retry = useCallback((messageId: string) => void list.retry(messageId).catch((error: unknown) => console.warn(`Retry failed: ${HearthError.from(error).kind}`)), [list]);
  const showSafetyNumber = useCallback(() => onDetailsOpenChange(true), [onDetailsOpenChange]);

  const held = conversation?.sendingHeld || contact?.sendingHeld ? t('composer.held', { name }) : null;
  const canSend = member && !held;

  const actions: MessageActionHandlers = useMemo(
    () => ({
      onReply: (message) => setMode({ kind: 'reply', message, authorName: message.direction === 'outgoing' ? t('message.you') : message.authorId && group ? nameOf(message.authorId) : name }),
      onReact: (message, emoji) => void list.react(message.id, emoji).catch((error: unknown) => console.warn(`Reaction failed: ${HearthError.from(error).kind}`)),
      onEdit: (message) => setMode({ kind: 'edit', message }),
      onDelete: (message) => setDialog({ kind: 'delete', message }),
      onShowHistory: (message) => setDialog({ kind: 'history', messageId: message.id }),
      onJumpTo: (messageId) => void list.jumpTo(messageId),
    }),
    [list, group, nameOf, name],
  );

  // Up in an empty composer: edit your newest message that can still be edited.
  const editLast = useCallback(() => {
    const now = Date.now();
    const last = [...list.getSnapshot().messages].reverse().find((m) => m.direction === 'outgoing' && m.kind === 'text');
    if (!last || !abilitiesOf(last, now, canSend).edit) return false;
    setMode({ kind: 'edit', message: last });
    return true;
  }, [list, canSend]);

  const subtitle = group ? memberCount((conversation.memberIds?.length ?? 0) + (member ? 1 : 0)) : contact ? `@${contact.username}` : '';
  const timer = conversation?.expireTimerMs ?? null;
  const drop = useFileDrop<HTMLDivElement>((files) => drafts.add(files), Boolean(canSend));

  return (
    <div className="conversation">
      <div className="conversation__main" ref={drop.ref}>
        {drop.dragging ? <DropZone /> : null}
        <header className="conversation__header">
          <Avatar name={name} />
          <div className="conversation__heading">
            <h2 className="conversation__title">
              {name}
              {contact?.verified ? (
                <span className="conversation__verified" role="img" aria-label={t('contact.verified')} title={t('contact.verified')}>
                  <Icon name="shieldCheck" />
                </span>
              ) : null}
            </h2>
            <p className="conversation__subtitle">{subtitle}</p>
          </div>
          {timer ? (
            <span className="conversation__timer" role="img" aria-label={t('timer.header', { duration: timerLabel(timer) })} title={t('timer.header', { duration: timerLabel(timer) })} data-testid="header-timer">
              <Icon name="timer" />
              <span aria-hidden="true">{timerLabel(timer)}</span>
            </span>
          ) : null}
          {contact || group ? (
            <button type="button" className="icon-button" aria-label={group ? t('group.details') : t('contact.details')} title={group ? t('group.details') : t('contact.details')} aria-expanded={detailsOpen} onClick={() => onDetailsOpenChange(!detailsOpen)}>
              <Icon name="info" />
            </button>
          ) : null}
        </header>
        {contact?.identityChanged ? <IdentityBanner messenger={messenger} contact={contact} onShowSafetyNumber={showSafetyNumber} /> : null}
        <ConversationAttachments client={messenger.client} list={list}>
          <MessageList store={list} contactName={name} onAtEndChange={setAtEnd} onRetry={retry} onShowSafetyNumber={showSafetyNumber} group={group} canSend={canSend} nameOf={nameOf} actions={actions} />
        </ConversationAttachments>
        <div className="typing-indicator" aria-live="polite">
          {typing ? (
            <span className="typing-indicator__bubble" data-testid="typing-indicator">
              <span className="typing-indicator__dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              <span className="typing-indicator__text">{t('conversation.isTyping', { name })}</span>
            </span>
          ) : null}
        </div>
        <p className="visually-hidden" aria-live="polite">
          {announcement}
        </p>
        {member ? (
          <Composer messenger={messenger} list={list} drafts={drafts} conversationId={conversationId} contactName={name} heldReason={held} sendTyping={state.settings?.sendTypingIndicators ?? true} mode={mode} onModeChange={setMode} onEditLast={editLast} />
        ) : (
          <p className="composer composer--closed" role="status">
            {t('group.notMember')}
          </p>
        )}
      </div>
      {detailsOpen && group && conversation ? <GroupDetails messenger={messenger} conversation={conversation} onClose={() => onDetailsOpenChange(false)} /> : null}
      {detailsOpen && !group && contact ? (
        <ContactDetails messenger={messenger} contact={contact} onClose={() => onDetailsOpenChange(false)}>
          {conversation ? <DisappearingSetting messenger={messenger} conversation={conversation} /> : null}
          <SealedSenderInfo sealedSender={conversation?.sealedSender} name={name} />
        </ContactDetails>
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteMessageDialog message={dialog.message} forEveryone={abilitiesOf(dialog.message, Date.now(), canSend).deleteForEveryone} onDelete={(message, everyone) => list.remove(message.id, everyone)} onClose={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === 'history' ? <EditHistoryDialog client={messenger.client} messageId={dialog.messageId} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
