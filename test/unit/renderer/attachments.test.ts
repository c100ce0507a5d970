import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_CHUNK_BYTES, HearthClient, HearthError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, methods, type Attachment, type AttachmentDraft, type HearthBridge } from '../../../shared/api';
import { admitFiles, base64ByteLength, base64FromBytes, bytesFromBase64, estimateAttachmentsHeight, fileNameFor, formatDuration, formatFileSize, lookOf, thumbnailSize } from '../../../renderer/src/model/attachment-files';
import { buildRows } from '../../../renderer/src/model/rows';
import { AttachmentBlobs } from '../../../renderer/src/state/attachment-blobs';
import { AttachmentDraftsStore } from '../../../renderer/src/state/attachment-drafts-store';
import { AttachmentsContext, type AttachmentActions } from '../../../renderer/src/ui/attachments/attachment-actions';
import { messageSummary } from '../../../renderer/src/model/attachment-summary';
import { MessageRow, type RowContext } from '../../../renderer/src/ui/conversation/MessageRow';
import { message, noon } from './fixtures';

/**
 * A bridge that keeps attachment drafts and files in memory and answers the
 * attachments.* calls and messages.send as the contract says, validating
 * every call with the contract's own schemas.
 */
class AttachmentBridge implements HearthBridge {
  readonly drafts = new Map<string, { draft: AttachmentDraft; bytes: Buffer }>();
  readonly files = new Map<string, Uint8Array>();
  readonly calls: string[] = [];
  sent: { body: string; attachments: string[] } | null = null;
  failSend: HearthError | null = null;
  private nextId = 1;

  async invoke(method: string, rawArgs: unknown): Promise<unknown> {
    this.calls.push(method);
    const args = methods[method as keyof typeof methods].args.parse(rawArgs) as Record<string, unknown>;
    switch (method) {
      case 'attachments.createDraft': {
        const draftId = (this.nextId++).toString(16).padStart(32, '0');
        this.drafts.set(draftId, { draft: args as AttachmentDraft, bytes: Buffer.alloc(0) });
        return { draftId };
      }
      case 'attachments.appendDraft': {
        const entry = this.drafts.get(args.draftId as string);
        if (!entry) throw new HearthError('not-found', 'No such draft.');
        entry.bytes = Buffer.concat([entry.bytes, Buffer.from(args.data as string, 'base64')]);
        if (entry.bytes.length > entry.draft.size) throw new HearthError('invalid-arguments', 'Past the announced size.');
        return { received: entry.bytes.length };
      }
      case 'attachments.discardDraft':
        this.drafts.delete(args.draftId as string);
        return { ok: true };
      case 'attachments.read': {
        const file = this.files.get(args.attachmentId as string);
        if (!file) throw new HearthError('not-found', 'No such attachment.');
        const offset = args.offset as number;
        return { data: Buffer.from(file.subarray(offset, offset + (args.length as number))).toString('base64'), size: file.length };
      }
      case 'messages.send': {
        if (this.failSend) throw this.failSend;
        this.sent = { body: args.body as string, attachments: args.attachments as string[] };
        return message({ sentAt: Date.now(), direction: 'outgoing', authorId: null, body: args.body as string, status: 'pending' });
      }
      default:
        throw new HearthError('unknown-method', method);
    }
  }

  subscribe(): () => void {
    return () => undefined;
  }
}

/** Bytes that differ at every position, so a piece out of place shows. */
function pattern(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

/** A File whose size is only claimed (the limits are checked before anything is read). */
function fileClaiming(name: string, size: number): File {
  const file = new File(['x'], name);
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

const describeAsIs = async (file: File, extra: Pick<AttachmentDraft, 'voiceNote' | 'durationMs'>): Promise<AttachmentDraft> => ({ fileName: file.name, contentType: file.type || 'application/octet-stream', size: file.size, ...extra });

function attachment(fields: Partial<Attachment>): Attachment {
  return { id: 'ab'.repeat(16), fileName: 'photo.jpg', contentType: 'image/jpeg', size: 123_456, voiceNote: false, width: 1200, height: 800, durationMs: null, thumbnail: 'data:image/jpeg;base64,/9j/AA==', state: 'ready', transferred: 123_456, error: null, ...fields };
}

describe('attachment model', () => {
  it('encodes and decodes base64 exactly as Node does, for every padding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256, 257, 70_001]) {
      const bytes = pattern(length);
      const text = base64FromBytes(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Buffer.from(bytesFromBase64(text)).equals(bytes)).toBe(true);
      expect(base64ByteLength(text)).toBe(length);
    }
    expect(() => bytesFromBase64('ab$d')).toThrow();
  });

  it('admits files up to the size and count limits, and names the ones refused', () => {
    const files = [fileClaiming('ok.pdf', 10), fileClaiming('huge.iso', MAX_ATTACHMENT_BYTES + 1), fileClaiming('empty.txt', 0), fileClaiming('max.bin', MAX_ATTACHMENT_BYTES)];
    const { admitted, refusals } = admitFiles(0, files);
    expect(admitted.map((f) => f.name)).toEqual(['ok.pdf', 'max.bin']);
    expect(refusals).toEqual([
      { kind: 'too-large', name: 'huge.iso' },
      { kind: 'empty', name: 'empty.txt' },
    ]);
    const many = Array.from({ length: 4 }, (_, i) => fileClaiming(`f${i}`, 1));
    const late = admitFiles(MAX_ATTACHMENTS_PER_MESSAGE - 2, many);
    expect(late.admitted.map((f) => f.name)).toEqual(['f0', 'f1']);
    expect(late.refusals).toEqual([{ kind: 'too-many' }]);
  });

  it('sizes, names and kinds as shown', () => {
    expect([formatFileSize(900), formatFileSize(12_600), formatFileSize(4_718_592), formatFileSize(MAX_ATTACHMENT_BYTES)]).toEqual(['900 B', '12 KB', '4.5 MB', '100 MB']);
    expect([formatDuration(7_400), formatDuration(754_000), formatDuration(3_723_000)]).toEqual(['0:07', '12:34', '1:02:03']);
    expect(thumbnailSize(4000, 3000)).toEqual({ width: 320, height: 240 });
    expect(thumbnailSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(thumbnailSize(10, 5000)).toEqual({ width: 1, height: 320 });
    expect(lookOf({ contentType: 'image/png', voiceNote: false })).toBe('image');
    expect(lookOf({ contentType: 'image/svg+xml', voiceNote: false })).toBe('file');
    expect(lookOf({ contentType: 'audio/webm;codecs=opus', voiceNote: true })).toBe('audio');
    expect(lookOf({ contentType: 'application/pdf', voiceNote: false })).toBe('file');
    expect(fileNameFor({ fileName: null, contentType: 'application/pdf' })).toBe('attachment.pdf');
  });

  it('guesses the height attachments add to a row: the image as drawn, a bar while it moves', () => {
    const photo = attachment({ width: 4000, height: 3000 });
    expect(estimateAttachmentsHeight([photo])).toBe(210 + 6);
    expect(estimateAttachmentsHeight([{ ...photo, state: 'downloading' }])).toBe(210 + 22 + 6);
    expect(estimateAttachmentsHeight([photo, attachment({ contentType: 'application/pdf' })])).toBe(210 + 6 + 56 + 6);
  });
});

describe('AttachmentDraftsStore', () => {
  it('hands each file to the core in ATTACHMENT_CHUNK_BYTES pieces, then sends the message naming the drafts', async () => {
    const bridge = new AttachmentBridge();
    const store = new AttachmentDraftsStore(new HearthClient(bridge));
    const big = pattern(2 * ATTACHMENT_CHUNK_BYTES + 1234);
    const small = pattern(10);
    store.add([new File([big], 'big.bin', { type: 'application/octet-stream' }), new File([small], 'note.txt', { type: 'text/plain' })]);
    const progress: number[] = [];
    store.subscribe(() => {
      const handOver = store.getSnapshot().handOver;
      if (handOver) progress.push(handOver.sent);
    });

    await store.sendWith(describeAsIs, async (draftIds) => {
      await new HearthClient(bridge).call('messages.send', { conversationId: 'direct:bob', body: 'two files', attachments: draftIds });
    });

    expect(bridge.calls.filter((c) => c === 'attachments.appendDraft')).toHaveLength(4);
    const [first, second] = [...bridge.drafts.values()];
    expect(first?.draft).toMatchObject({ fileName: 'big.bin', size: big.length });
    expect(first!.bytes.equals(big)).toBe(true);
    expect(second!.bytes.equals(small)).toBe(true);
    expect(bridge.sent).toEqual({ body: 'two files', attachments: [...bridge.drafts.keys()] });
    // Progress only grows, and reaches the whole.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(big.length + small.length);
    expect(store.getSnapshot()).toEqual({ files: [], refusals: [], handOver: null });
  });

  it('keeps the files and discards the drafts when sending fails', async () => {
    const bridge = new AttachmentBridge();
    bridge.failSend = new HearthError('untrusted-identity', 'Held.');
    const client = new HearthClient(bridge);
    const store = new AttachmentDraftsStore(client);
    store.add([new File([pattern(100)], 'a.bin'), new File([pattern(200)], 'b.bin')]);
    await expect(store.sendWith(describeAsIs, async (draftIds) => void (await client.call('messages.send', { conversationId: 'direct:bob', body: '', attachments: draftIds })))).rejects.toMatchObject({ kind: 'untrusted-identity' });
    expect(bridge.drafts.size).toBe(0);
    expect(bridge.calls.filter((c) => c === 'attachments.discardDraft')).toHaveLength(2);
    expect(store.getSnapshot().files.map((f) => f.file.name)).toEqual(['a.bin', 'b.bin']);
    expect(store.getSnapshot().handOver).toBeNull();
  });

  it('refuses files over the limits before anything is handed over, and removes files on request', () => {
    const bridge = new AttachmentBridge();
    const store = new AttachmentDraftsStore(new HearthClient(bridge));
    store.add([fileClaiming('huge.iso', MAX_ATTACHMENT_BYTES + 1), new File(['hi'], 'hi.txt')]);
    expect(store.getSnapshot().refusals).toEqual([{ kind: 'too-large', name: 'huge.iso' }]);
    expect(store.getSnapshot().files.map((f) => f.file.name)).toEqual(['hi.txt']);
    store.add(Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE }, (_, i) => new File(['x'], `${i}.txt`)));
    expect(store.getSnapshot().files).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);
    expect(store.getSnapshot().refusals).toEqual([{ kind: 'too-many' }]);
    store.remove(store.getSnapshot().files[0]!.key);
    expect(store.getSnapshot().files).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE - 1);
    expect(store.getSnapshot().refusals).toEqual([]);
    expect(bridge.calls).toEqual([]);
  });
});

describe('AttachmentBlobs', () => {
  it('reads a file back piece by piece into a Blob of its type, and reads it once while kept', async () => {
    const bridge = new AttachmentBridge();
    const bytes = pattern(ATTACHMENT_CHUNK_BYTES + 77);
    const id = 'cd'.repeat(16);
    bridge.files.set(id, bytes);
    const blobs = new AttachmentBlobs(new HearthClient(bridge));
    expect(blobs.peek(id)).toBeUndefined();
    const blob = await blobs.get({ id, size: bytes.length, contentType: 'image/png' });
    expect(blobs.peek(id)).toBe(blob);
    expect(blob.type).toBe('image/png');
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
    expect(bridge.calls).toEqual(['attachments.read', 'attachments.read']);
    await blobs.get({ id, size: bytes.length, contentType: 'image/png' });
    expect(bridge.calls).toHaveLength(2);
    // Once cleared (a message was removed), the next view reads from the core again.
    blobs.clear();
    expect(blobs.peek(id)).toBeUndefined();
    await blobs.get({ id, size: bytes.length, contentType: 'image/png' });
    expect(bridge.calls).toHaveLength(4);
  });

  it('does not keep a failed read, so the next try asks the core again', async () => {
    const bridge = new AttachmentBridge();
    const blobs = new AttachmentBlobs(new HearthClient(bridge));
    const id = 'ef'.repeat(16);
    await expect(blobs.get({ id, size: 5, contentType: 'text/plain' })).rejects.toMatchObject({ kind: 'not-found' });
    bridge.files.set(id, pattern(5));
    expect((await blobs.get({ id, size: 5, contentType: 'text/plain' })).size).toBe(5);
  });
});

describe('attachments in message rows', () => {
  const at = noon(2026, 3, 12);
  const context: RowContext = { contactName: 'Bob', highlightId: null, now: at, onRetry: () => undefined, onShowSafetyNumber: () => undefined };
  const actions = { blobs: new AttachmentBlobs(new HearthClient(new AttachmentBridge())), view: () => undefined, retry: async () => undefined, save: async () => undefined } satisfies AttachmentActions;

  function html(attachments: Attachment[], withActions = false): string {
    const row = buildRows([message({ sentAt: at, body: 'caption', attachments })])[1]!;
    const element = createElement(MessageRow, { row, context });
    return renderToStaticMarkup(withActions ? createElement(AttachmentsContext, { value: actions }, element) : element);
  }

  it('shows an image by its thumbnail at once, named by its file name, opening the viewer when live', () => {
    const bubble = html([attachment({ state: 'downloading', transferred: 1000 })], true);
    expect(bubble).toContain('<img class="message-attachment__image" src="data:image/jpeg;base64,/9j/AA==" alt="photo.jpg" width="280" height="187"');
    expect(bubble).toContain('aria-label="Open image photo.jpg"');
    expect(bubble).toContain('aria-label="Receiving photo.jpg"');
    expect(bubble).toContain('value="1000"');
    expect(bubble).toContain('caption');
    // Drawn without a live chat (no actions), it is a plain picture.
    expect(html([attachment({})])).not.toContain('<button');
  });

  it("shows a file as a card with its name and size, and 'Save as…' once it is in the vault", () => {
    const card = (state: Attachment['state']) => html([attachment({ fileName: 'report.pdf', contentType: 'application/pdf', size: 2_500_000, width: null, height: null, thumbnail: null, state })], true);
    expect(card('ready')).toContain('report.pdf');
    expect(card('ready')).toContain('2.4 MB');
    expect(card('ready')).toMatch(/<button type="button" class="[^"]*message-attachment__save" aria-label="Save report.pdf as…">/);
    expect(card('downloading')).toMatch(/message-attachment__save" disabled="" aria-label="Save report.pdf as…"/);
  });

  it('shows why a transfer failed, with a retry', () => {
    const failed = html([attachment({ state: 'failed', error: 'The file did not match its digest.' })], true);
    expect(failed).toContain('The file did not match its digest.');
    expect(failed).toContain('aria-label="Retry photo.jpg"');
  });

  it('labels a voice note and its length', () => {
    const voice = html([attachment({ fileName: null, contentType: 'audio/webm;codecs=opus', voiceNote: true, durationMs: 7_400, width: null, height: null, thumbnail: null })], true);
    expect(voice).toContain('Voice note');
    expect(voice).toContain('0:07');
    expect(voice).not.toContain('Save');
  });
});

describe('messageSummary', () => {
  it('is the body when there is one, else what the message carries, without file names', () => {
    const photo = attachment({});
    const note = attachment({ contentType: 'audio/webm;codecs=opus', voiceNote: true, fileName: 'secret-plans.webm' });
    const doc = attachment({ contentType: 'application/pdf', fileName: 'secret-plans.pdf' });
    expect(messageSummary({ body: '  Look\nat this ', attachments: [photo] })).toBe('Look at this');
    expect(messageSummary({ body: '', attachments: [photo] })).toBe('📷 Photo');
    expect(messageSummary({ body: null, attachments: [note] })).toBe('🎤 Voice note');
    expect(messageSummary({ body: '', attachments: [doc] })).toBe('📎 File');
    expect(messageSummary({ body: '', attachments: [photo, doc] })).toBe('📎 2 attachments');
    expect(messageSummary({ body: '', attachments: [] })).toBe('');
  });
});
