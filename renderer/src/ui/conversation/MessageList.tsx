import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import { buildRows, estimateRowHeight } from '../../model/rows';
import type { MessageListStore } from '../../state/message-list-store';
import { useStore } from '../../state/use-store';
import { Icon } from '../Icon';
import { MessageActions } from './MessageActions';
import { MessageRow, type MessageActionHandlers, type RowContext } from './MessageRow';

/** Start fetching the next page this many rows before the edge, so scrolling rarely waits. */
const PREFETCH_ROWS = 30;
/** How long a message jumped to from search stays highlighted. */
const HIGHLIGHT_MS = 2500;

/**
 * The conversation's messages, virtualized: only the rows in view (plus a
 * few) are in the DOM, whatever the length of the chat. It opens at the
 * newest message, keeps to the bottom as messages arrive while you are
 * there, and keeps your place when older pages are prepended
 * (@tanstack/react-virtual with anchorTo 'end'). Rows are positioned with
 * transforms set from script (CSSOM), which the CSP's style-src allows.
 */
export function MessageList({
  store,
  contactName,
  onAtEndChange,
  onRetry,
  onShowSafetyNumber,
  group = false,
  canSend = true,
  nameOf,
  actions,
}: {
  store: MessageListStore;
  contactName: string;
  onAtEndChange: (atEnd: boolean) => void;
  onRetry: (messageId: string) => void;
  onShowSafetyNumber: () => void;
  group?: boolean;
  canSend?: boolean;
  nameOf?: (contactId: string) => string;
  actions?: MessageActionHandlers;
}): ReactElement {
  const state = useStore(store);
  const rows = useMemo(() => buildRows(state.messages), [state.messages]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const [atEnd, setAtEnd] = useState(true);
  const now = useMemo(() => Date.now(), [rows]); // eslint-disable-line react-hooks/exhaustive-deps -- "today" only needs to be as fresh as the rows

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimateRowHeight(rows[index]!),
    getItemKey: (index) => rows[index]!.key,
    overscan: 6,
    paddingStart: 12,
    paddingEnd: 12,
    anchorTo: 'end',
    followOnAppend: state.anchor.kind === 'newest' && !state.hasNewer,
    scrollEndThreshold: 24,
  });
  const items = virtualizer.getVirtualItems();

  // Each new window (open, jump) is positioned once: at the newest message, or centred on the one jumped to.
  useLayoutEffect(() => {
    if (state.generation === 0) return;
    const anchor = state.anchor;
    if (anchor.kind === 'newest') {
      // A highlight whose timer this new window cancelled would otherwise stay for good.
      setHighlightId(null);
      virtualizer.scrollToEnd();
      return;
    }
    const index = rows.findIndex((row) => row.key === anchor.messageId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlightId(anchor.messageId);
    const timer = setTimeout(() => setHighlightId(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
    // Only a new generation repositions; rows changing within one is the virtualizer's anchoring job.
  }, [state.generation]); // eslint-disable-line react-hooks/exhaustive-deps

  // Fetch older (or, after a jump, newer) pages as the edge comes near.
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (state.status !== 'ready' || rows.length === 0) return;
    if (firstIndex < PREFETCH_ROWS && state.hasOlder && !state.loadingOlder) void store.loadOlder();
    if (lastIndex > rows.length - PREFETCH_ROWS && state.hasNewer && !state.loadingNewer) void store.loadNewer();
  }, [firstIndex, lastIndex, rows.length, state.status, state.hasOlder, state.hasNewer, state.loadingOlder, state.loadingNewer, store]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const end = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (end !== atEnd) setAtEnd(end);
  };
  const reallyAtEnd = atEnd && !state.hasNewer;
  useEffect(() => onAtEndChange(reallyAtEnd), [reallyAtEnd, onAtEndChange]);

  // A reply's quote comes from the window when it is loaded, else from what the store fetched for it.
  const byId = useMemo(() => new Map(state.messages.map((m) => [m.id, m])), [state.messages]);
  const quoteOf = useCallback((messageId: string) => byId.get(messageId) ?? state.quotes.get(messageId), [byId, state.quotes]);
  const onNeedQuote = useCallback((messageId: string) => void store.resolveQuote(messageId), [store]);

  const context: RowContext = useMemo(
    () => ({ contactName, highlightId, now, onRetry, onShowSafetyNumber, group, canSend, nameOf, quoteOf, onNeedQuote, actions, actionBar: MessageActions }),
    [contactName, highlightId, now, onRetry, onShowSafetyNumber, group, canSend, nameOf, quoteOf, onNeedQuote, actions],
  );

  return (
    <div className="message-list-frame">
      <div ref={scrollRef} className="message-list" tabIndex={0} role="region" aria-label={t('conversation.messages', { name: contactName })} aria-busy={state.status === 'loading' || undefined} onScroll={onScroll} data-testid="message-list">
        {state.status === 'ready' && rows.length === 0 ? <p className="message-list__empty">{t('conversation.empty', { name: contactName })}</p> : null}
        {state.status === 'error' ? (
          <p className="message-list__empty" role="alert">
            {state.error}
          </p>
        ) : null}
        <div className="message-list__canvas" role="list" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => (
            <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="message-list__row" role="listitem" style={{ transform: `translateY(${item.start}px)` }}>
              <MessageRow row={rows[item.index]!} context={context} />
            </div>
          ))}
        </div>
      </div>
      {!reallyAtEnd ? (
        <button
          type="button"
          className="message-list__to-newest"
          aria-label={t('conversation.toNewest')}
          title={t('conversation.toNewest')}
          onClick={() => {
            if (state.hasNewer) void store.openAtNewest();
            else virtualizer.scrollToEnd({ behavior: 'smooth' });
          }}
        >
          <Icon name="arrowDown" />
        </button>
      ) : null}
    </div>
  );
}
