import { memo, type ReactElement } from 'react';
import { t } from '../../i18n';
import { formatClock, formatDay, formatFull } from '../../model/format';
import type { Row } from '../../model/rows';
import { Icon } from '../Icon';
import { StatusTicks } from './StatusTicks';

export interface RowContext {
  readonly contactName: string;
  readonly highlightId: string | null;
  readonly now: number;
  onRetry(messageId: string): void;
  onShowSafetyNumber(): void;
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
  const outgoing = message.direction === 'outgoing';
  const classes = ['message', outgoing ? 'message--out' : 'message--in', row.groupStart ? 'message--group-start' : '', row.groupEnd ? 'message--group-end' : '', context.highlightId === message.id ? 'message--highlight' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-message-id={message.id}>
      <div className="message__bubble">
        <span className="visually-hidden">{outgoing ? t('message.you') : context.contactName}: </span>
        <p className="message__body">{message.body}</p>
        <span className="message__meta">
          <time dateTime={new Date(message.sentAt).toISOString()} title={formatFull(message.sentAt)}>
            {formatClock(message.sentAt)}
          </time>
          {outgoing ? <StatusTicks status={message.status} /> : null}
        </span>
      </div>
      {outgoing && message.status === 'failed' ? (
        <button type="button" className="message__retry link-button" onClick={() => context.onRetry(message.id)}>
          {t('message.retry')}
        </button>
      ) : null}
    </div>
  );
});
