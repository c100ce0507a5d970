import { describe, expect, it } from 'vitest';
import { defaultLimits, limitNames, resolveLimits } from '../../../relay/limits';

describe('relay limits', () => {
  it('defaults every limit and lets each be overridden', () => {
    expect(resolveLimits()).toEqual(defaultLimits);
    expect(resolveLimits({ maxQueue: 5 }).maxQueue).toBe(5);
    expect(limitNames).toContain('maxFrameBytes');
    expect(defaultLimits.maxAttachmentBytes).toBe(100 * 1024 * 1024 + 64 * 1024);
    expect(defaultLimits.envelopeTtlMs).toBe(30 * 24 * 60 * 60 * 1000);
    expect(defaultLimits.attachmentTtlMs).toBe(14 * 24 * 60 * 60 * 1000);
  });

  it('refuses values that would make a limit meaningless', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => resolveLimits({ maxBatch: bad })).toThrow(RangeError);
    expect(() => resolveLimits({ maxFrameBytes: 1000, maxEnvelopeBytes: 2000 })).toThrow(/cannot exceed/);
  });
});
