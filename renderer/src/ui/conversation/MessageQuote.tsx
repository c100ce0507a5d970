import { useEffect, type ReactElement } from 'react';
import type { Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { excerptOf } from '../../model/message-actions';
import { messageSummary } from '../../model/attachment-summary';

/** How a reply's quote finds the message it quotes: in the loaded window, fetched, being fetched, or not found. */
export type QuoteLookup = Message | 'loading' | null | undefined;

/**
 * The quoted message at the top of a reply: who wrote it and the start of
 * what they wrote. Activating it jumps to the original. A quote outside the
 * loaded page is fetched once; a deleted or unknown one says it is gone.
 */
export function MessageQuote({ replyTo, lookup, authorName, onNeed, onJumpTo }: { replyTo: string; lookup: QuoteLookup; authorName: (message: Message) => string; onNeed: (messageId: string) => void; onJumpTo: (messageId: string) => void }): ReactElement {
  useEffect(() => {
    if (lookup === undefined) onNeed(replyTo);
  }, [lookup, replyTo, onNeed]);

  if (lookup === null) {
    return (
      <p className="message-quote message-quote--missing" data-testid="message-quote">
        {t('reply.missing')}
      </p>
    );
  }
  if (lookup === undefined || lookup === 'loading') {
    return (
      <p className="message-quote message-quote--missing" data-testid="message-quote">
        {t('reply.loading')}
      </p>
    );
  }
  const name = authorName(lookup);
  const excerpt = lookup.deleted ? t('notice.deleted') : excerptOf(messageSummary(lookup));
  return (
    <button type="button" className="message-quote" data-testid="message-quote" aria-label={t('reply.quote', { name, excerpt })} onClick={() => onJumpTo(lookup.id)}>
      <span className="message-quote__author">{name}</span>
      <span className={lookup.deleted ? 'message-quote__text message-quote__text--deleted' : 'message-quote__text'}>{excerpt}</span>
    </button>
  );
}
