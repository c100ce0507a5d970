import { memo, useState, type ComponentType, type MouseEvent, type ReactElement } from 'react';
import type { Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { formatClock, formatDay, formatFull } from '../../model/format';
import { abilitiesOf, type MessageAbilities } from '../../model/message-actions';
import { noticeText } from '../../model/notice-text';
import type { Row } from '../../model/rows';
import { Avatar } from '../common/Avatar';
import { MessageAttachments } from '../attachments/MessageAttachments';
import { Icon } from '../Icon';
import { ExpiryIndicator } from './ExpiryIndicator';
import { MessageQuote, type QuoteLookup } from './MessageQuote';
import { ReactionChips } from './ReactionChips';
import { StatusTicks } from './StatusTicks';

/** What the message list does when a person acts on a message (ConversationView decides how). */
export interface MessageActionHandlers {
  onReply(message: Message): void;
  onReact(message: Message, emoji: string | null): void;
  onEdit(message: Message): void;
  onDelete(message: Message): void;
  onShowHistory(message: Message): void;
  onJumpTo(messageId: string): void;
}

/** Which of a message's panels is open: none, the reaction picker, or the menu (also opened by right-click). */
export type OpenPanel = 'none' | 'react' | 'menu';

export interface ActionBarProps {
  readonly message: Message;
  readonly abilities: MessageAbilities;
  readonly handlers: MessageActionHandlers;
  readonly open: OpenPanel;
  onOpenChange(open: OpenPanel): void;
  readonly outgoing: boolean;
}

export interface RowContext {
  readonly contactName: string;
  readonly highlightId: string | null;
  readonly now: number;
  onRetry(messageId: string): void;
  onShowSafetyNumber(): void;
  /** A group chat: incoming messages show their author's name. */
  readonly group?: boolean;
  /** Sending is possible here (not held, still a member): reply, react, edit and delete for everyone are offered. */
  readonly canSend?: boolean;
  /** A contact's name; the contact id when there is no better one. */
  nameOf?(contactId: string): string;
  /** The message a reply quotes: from the loaded window or fetched; undefined until asked for (onNeedQuote). */
  quoteOf?(messageId: string): QuoteLookup;
  onNeedQuote?(messageId: string): void;
  /** Reply, react, edit, delete, history; without them a row is read-only. */
  readonly actions?: MessageActionHandlers;
  /** The bar that offers them (MessageActions; passed in, so rows render without the DOM in unit tests). */
  readonly actionBar?: ComponentType<ActionBarProps>;
}

/** One row of the message list: a day separator, a bubble, or a notice from the core. */
export const MessageRow = memo(function MessageRow({ row, context }: { row: Row; context: RowContext }): ReactElement {
  if (row.kind === 'day') {
    return (
      <div className="day-separator" role="separator" aria-label={formatDay(row.time, context.now, { today: t('day.today'), yesterday: t('day.yesterday') })}>
        <span aria-hidden="true">{formatDay(row.time, context.now, { today: t('day.today'), yesterday: t('day.yesterday') })}</span>
      </div>
    );
  }
  const { message } = row;
  if (row.kind === 'notice' && message.notice) {
    return (
      <div className="notice" data-kind={message.kind} data-testid="notice">
        <Icon name={message.notice.type === 'timer' ? 'timer' : 'users'} />
        <span>{noticeText(message.notice, context.nameOf ?? ((id) => id))}</span>
      </div>
    );
  }
  if (row.kind === 'notice') {
    const name = context.contactName;
    return (
      <div className={message.kind === 'decrypt-failed' ? 'notice notice--warning' : 'notice'} data-kind={message.kind}>
        <Icon name={message.kind === 'identity-changed' ? 'shield' : message.kind === 'decrypt-failed' ? 'alert' : 'retry'} />
        <span>
          {message.kind === 'identity-changed' ? t('notice.identityChanged', { name }) : message.kind === 'decrypt-failed' ? t('notice.decryptFailed', { name }) : t('notice.sessionReset', { name })}
          {message.kind === 'identity-changed' ? (
            <>
              {' '}
              <button type="button" className="link-button" onClick={context.onShowSafetyNumber}>
                {t('notice.viewSafetyNumber')}
              </button>
            </>
          ) : null}
        </span>
      </div>
    );
  }
  return <MessageBubble message={message} groupStart={row.groupStart} groupEnd={row.groupEnd} context={context} />;
});

/** A text message: author (in groups), quote, body or tombstone, meta, actions, reactions. */
function MessageBubble({ message, groupStart, groupEnd, context }: { message: Message; groupStart: boolean; groupEnd: boolean; context: RowContext }): ReactElement {
  const [open, setOpen] = useState<OpenPanel>('none');
  const outgoing = message.direction === 'outgoing';
  const nameOf = context.nameOf ?? ((id: string) => id);
  const author = outgoing ? t('message.you') : message.authorId && context.group ? nameOf(message.authorId) : context.contactName;
  const abilities = abilitiesOf(message, context.now, context.canSend ?? true);
  const actions = context.actions;
  const ActionBar = context.actionBar;
  const classes = ['message', outgoing ? 'message--out' : 'message--in', groupStart ? 'message--group-start' : '', groupEnd ? 'message--group-end' : '', context.highlightId === message.id ? 'message--highlight' : '', message.deleted ? 'message--deleted' : '', open !== 'none' ? 'message--active' : ''].filter(Boolean).join(' ');
  const onContextMenu = actions
    ? (event: MouseEvent) => {
        event.preventDefault();
        setOpen('menu');
      }
    : undefined;
  const quoteAuthor = (quoted: Message) => (quoted.direction === 'outgoing' ? t('message.you') : quoted.authorId ? nameOf(quoted.authorId) : context.contactName);
  return (
    <div className={classes} data-message-id={message.id}>
      {context.group && !outgoing && groupStart && message.authorId ? (
        <span className="message__author" aria-hidden="true">
          <Avatar name={author} size="s" />
          {author}
        </span>
      ) : null}
      <div className="message__line">
        <div className="message__bubble" onContextMenu={onContextMenu}>
          <span className="visually-hidden">{author}: </span>
          {message.replyTo && !message.deleted && context.quoteOf ? <MessageQuote replyTo={message.replyTo} lookup={context.quoteOf(message.replyTo)} authorName={quoteAuthor} onNeed={context.onNeedQuote ?? (() => undefined)} onJumpTo={actions?.onJumpTo ?? (() => undefined)} /> : null}
          {message.attachments?.length && !message.deleted ? <MessageAttachments attachments={message.attachments} /> : null}
          {message.deleted ? <p className="message__body message__body--deleted">{t('notice.deleted')}</p> : <p className="message__body">{message.body}</p>}
          <span className="message__meta">
            {message.expiresAt && !message.deleted ? <ExpiryIndicator expiresAt={message.expiresAt} /> : message.expireTimerMs && !message.deleted ? <ExpiryIndicator afterRead={message.expireTimerMs} /> : null}
            {message.edited && !message.deleted ? (
              <button type="button" className="message__edited" aria-label={t('edit.editedLabel')} title={t('edit.editedLabel')} disabled={!actions} onClick={() => actions?.onShowHistory(message)}>
                {t('edit.edited')}
              </button>
            ) : null}
            <time dateTime={new Date(message.sentAt).toISOString()} title={formatFull(message.sentAt)}>
              {formatClock(message.sentAt)}
            </time>
            {outgoing ? <StatusTicks status={message.status} /> : null}
          </span>
        </div>
        {actions && ActionBar ? <ActionBar message={message} abilities={abilities} handlers={actions} open={open} onOpenChange={setOpen} outgoing={outgoing} /> : null}
      </div>
      {message.deleted ? null : <ReactionChips message={message} nameOf={nameOf} onReact={abilities.react ? actions?.onReact : undefined} />}
      {outgoing && message.status === 'failed' ? (
        <button type="button" className="message__retry link-button" onClick={() => context.onRetry(message.id)}>
          {t('message.retry')}
        </button>
      ) : null}
    </div>
  );
}
