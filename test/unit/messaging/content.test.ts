import { describe, expect, it } from 'vitest';
import { decodeContent, encodeData, encodeReceipt, encodeSessionReset, encodeTyping, hex, newMessageId, ReceiptType, TypingAction } from '../../../main/core/messaging/content';

describe('message content', () => {
  it('round-trips every kind of content', () => {
    const id = newMessageId();
    const data = decodeContent(encodeData(id, 'héllo', 1234));
    expect(data?.body.case).toBe('data');
    if (data?.body.case === 'data') expect([hex(data.body.value.id), data.body.value.body, data.body.value.timestampMs]).toEqual([hex(id), 'héllo', 1234n]);
    const receipt = decodeContent(encodeReceipt(ReceiptType.READ, [id, id]));
    expect(receipt?.body.case === 'receipt' && receipt.body.value.type).toBe(ReceiptType.READ);
    expect(decodeContent(encodeTyping(TypingAction.STARTED, 5))?.body.case).toBe('typing');
    expect(decodeContent(encodeSessionReset())?.body.case).toBe('sessionReset');
  });

  it('refuses bytes a Hearth client would not send', () => {
    expect(decodeContent(new Uint8Array([0xff, 0xff, 0xff]))).toBeNull();
    expect(decodeContent(new Uint8Array())).toBeNull();
    expect(decodeContent(encodeData(new Uint8Array(3), 'short id', 1))).toBeNull();
    expect(decodeContent(encodeReceipt(ReceiptType.DELIVERY, [new Uint8Array(15)]))).toBeNull();
  });
});
