import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { HearthError } from '../../../../shared/api';
import { t } from '../../i18n';
import { MessageListStore } from '../../state/message-list-store';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Avatar } from '../common/Avatar';
import { useWindowActive } from '../common/use-window-active';
import { ContactDetails } from '../contacts/ContactDetails';
import { Icon } from '../Icon';
import { Composer } from './Composer';
import { IdentityBanner } from './IdentityBanner';
import { MessageList } from './MessageList';
import './ConversationView.css';

/** One open chat: header, identity banner, messages, typing indicator, composer, and the contact's details on demand. */
export function ConversationView({ messenger, conversationId, detailsOpen, onDetailsOpenChange }: { messenger: MessengerStore; conversationId: string; detailsOpen: boolean; onDetailsOpenChange: (open: boolean) => void }): ReactElement {
  const state = useStore(messenger);
  const conversation = state.conversations.find((c) => c.id === conversationId);
  const contact = conversation?.contactId ? state.contacts.get(conversation.contactId) : undefined;
  const [list] = useState(() => new MessageListStore(messenger.client, conversationId));
  const [atEnd, setAtEnd] = useState(true);
  const windowActive = useWindowActive();
  const typing = state.typing.has(conversationId);
  const name = contact?.displayName ?? conversation?.title ?? conversationId;

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
        if (message.conversationId === conversationId && message.direction === 'incoming' && message.kind === 'text' && message.body) setAnnouncement(t('conversation.announce', { name, body: message.body }));
      }),
    [messenger, conversationId, name],
  );

  const retry = useCallback((messageId: string) => void list.retry(messageId).catch((error: unknown) => console.warn(`Retry failed: ${HearthError.from(error).kind}`)), [list]);
  const showSafetyNumber = useCallback(() => onDetailsOpenChange(true), [onDetailsOpenChange]);

  const held = conversation?.sendingHeld || contact?.sendingHeld ? t('composer.held', { name }) : null;

  return (
    <div className="conversation">
      <div className="conversation__main">
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
            <p className="conversation__subtitle">{contact ? `@${contact.username}` : ''}</p>
          </div>
          {contact ? (
            <button type="button" className="icon-button" aria-label={t('contact.details')} title={t('contact.details')} aria-expanded={detailsOpen} onClick={() => onDetailsOpenChange(!detailsOpen)}>
              <Icon name="info" />
            </button>
          ) : null}
        </header>
        {contact?.identityChanged ? <IdentityBanner messenger={messenger} contact={contact} onShowSafetyNumber={showSafetyNumber} /> : null}
        <MessageList store={list} contactName={name} onAtEndChange={setAtEnd} onRetry={retry} onShowSafetyNumber={showSafetyNumber} />
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
        <Composer messenger={messenger} list={list} conversationId={conversationId} contactName={name} heldReason={held} sendTyping={state.settings?.sendTypingIndicators ?? true} />
      </div>
      {detailsOpen && contact ? <ContactDetails messenger={messenger} contact={contact} onClose={() => onDetailsOpenChange(false)} /> : null}
    </div>
  );
}
