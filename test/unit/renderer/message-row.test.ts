import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildRows } from '../../../renderer/src/model/rows';
import { MessageRow, type RowContext } from '../../../renderer/src/ui/conversation/MessageRow';
import { message, noon } from './fixtures';

const context: RowContext = { contactName: 'Bob', highlightId: null, now: noon(2026, 3, 12), onRetry: () => undefined, onShowSafetyNumber: () => undefined };

function html(messages: Parameters<typeof buildRows>[0], ctx: RowContext = context): string[] {
  return buildRows(messages).map((row) => renderToStaticMarkup(createElement(MessageRow, { row, context: ctx })));
}

describe('message rows as rendered', () => {
  const at = noon(2026, 3, 12);

  it('shows a day separator, then the bubble with its author for screen readers', () => {
    const [day, bubble] = html([message({ sentAt: at, body: 'Hello <b>there</b>' })]);
    expect(day).toContain('role="separator"');
    expect(day).toContain('aria-label="Today"');
    expect(bubble).toContain('Bob: </span>');
    // Text is text: markup in a message is escaped, never interpreted.
    expect(bubble).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
  });

  it('marks each delivery state of our own messages, and offers a retry for a failed one', () => {
    const statuses = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
    const rows = html(statuses.map((status, i) => message({ sentAt: at + i, direction: 'outgoing', authorId: null, status })));
    const labels = rows.slice(1).map((row) => /role="img" aria-label="([^"]+)"/.exec(row)?.[1]);
    expect(labels).toEqual(['Sending', 'Sent', 'Delivered', 'Read', 'Not sent']);
    expect(rows.slice(1, -1).some((row) => row.includes('Retry'))).toBe(false);
    expect(rows.at(-1)).toContain('>Not sent. Retry</button>');
    // Incoming messages carry no ticks.
    expect(html([message({ sentAt: at, status: 'received' })])[1]).not.toContain('role="img"');
  });

  it("shows the core's notices in place: safety number changed, could not decrypt, session renewed", () => {
    const [, changed, failed, reset] = html([
      message({ sentAt: at, kind: 'identity-changed', body: null, authorId: null }),
      message({ sentAt: at + 1, kind: 'decrypt-failed', body: null }),
      message({ sentAt: at + 2, kind: 'session-reset', body: null, authorId: null }),
    ]);
    expect(changed).toContain('Your safety number with Bob changed.');
    expect(changed).toContain('>View safety number</button>');
    expect(failed).toContain('A message from Bob could not be decrypted.');
    expect(failed).toContain('notice--warning');
    expect(reset).toContain('The secure session with Bob was renewed.');
  });

  it('highlights the message jumped to from search', () => {
    const target = message({ sentAt: at });
    expect(html([target], { ...context, highlightId: target.id })[1]).toContain('message--highlight');
    expect(html([target])[1]).not.toContain('message--highlight');
  });
});
