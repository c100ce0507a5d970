import { memo, type ReactElement } from 'react';
import type { ConversationSummary, Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { activityTime } from '../../model/conversation-order';
import { formatListTime } from '../../model/format';
import { noticeText } from '../../model/notice-text';
import { messageSummary } from '../../model/attachment-summary';
import { Avatar } from '../common/Avatar';
import type { RovingItemProps } from '../use-roving-focus';

/** One chat in the list: avatar, name, time, a preview of the last message (or "typing…"), unread count. */
export const ConversationRow = memo(function ConversationRow({ conversation, active, typing, now, onOpen, roving, nameOf = (id) => id }: { conversation: ConversationSummary; active: boolean; typing: boolean; now: number; onOpen: (id: string) => void; roving: RovingItemProps; nameOf?: (contactId: string) => string }): ReactElement {
  const unread = conversation.unreadCount;
  const last = conversation.lastMessage;
  return (
    <li>
      <button type="button" className={unread > 0 ? 'chat-row chat-row--unread' : 'chat-row'} aria-current={active ? 'true' : undefined} onClick={() => onOpen(conversation.id)} {...roving}>
        <Avatar name={conversation.title} />
        <span className="chat-row__main">
          <span className="chat-row__top">
            <span className="chat-row__title">{conversation.title}</span>
            <span className="chat-row__time">{formatListTime(activityTime(conversation), now)}</span>
          </span>
          <span className="chat-row__bottom">
            <span className={typing ? 'chat-row__preview chat-row__preview--typing' : 'chat-row__preview'}>{typing ? t('conversation.typing') : previewOf(last, conversation.type === 'group', nameOf)}</span>
            {unread > 0 ? (
              <span className="chat-row__unread">
                <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                <span className="visually-hidden">{t('chats.unread', { count: unread })}</span>
              </span>
            ) : null}
          </span>
        </span>
      </button>
    </li>
  );
});

function previewOf(message: Message | null, group: boolean, nameOf: (contactId: string) => string): string {
  if (!message) return t('chats.noMessages');
  switch (message.kind) {
    case 'identity-changed':
      return t('notice.identityChanged.short');
    case 'decrypt-failed':
      return t('notice.decryptFailed.short');
    case 'session-reset':
      return t('notice.sessionReset.short');
    case 'group-update':
    case 'timer-changed':
      return message.notice ? noticeText(message.notice, nameOf) : t('notice.updated.short');
    case 'text': {
      const body = message.deleted ? t('notice.deleted') : messageSummary(message);
      if (message.direction === 'outgoing') return t('chats.you', { body });
      // In a group the preview says who wrote it, as Signal does.
      return group && message.authorId ? t('chats.from', { name: nameOf(message.authorId), body }) : body;
    }
  }
}
