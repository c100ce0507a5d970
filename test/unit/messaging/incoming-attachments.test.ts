import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, MAX_THUMBNAIL_BYTES } from '../../../shared/api';
import { AttachmentPointerSchema, type AttachmentPointer } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { storeIncomingAttachments } from '../../../main/core/messaging/attachments';
import { contacts, conversations, messages } from '../../../main/core/vault';
import { keyfileVault, quiet } from '../vault/helpers';

/**
 * Attachment pointers as a modified client might send them: no more than
 * MAX_ATTACHMENTS_PER_MESSAGE are kept, and a pointer with fields out of
 * bounds is stored failed (never fetched), its oversized parts not kept.
 */

const NOW = 1_800_000_000_000;

function pointer(overrides: MessageInitShape<typeof AttachmentPointerSchema> = {}): AttachmentPointer {
  return create(AttachmentPointerSchema, { blobId: 'A'.repeat(22), key: randomBytes(32), digest: randomBytes(32), fetchToken: randomBytes(32), size: 1000n, contentType: 'text/plain', fileName: 'notes.txt', ...overrides });
}

async function store(pointers: AttachmentPointer[]) {
  const { vault } = await keyfileVault(quiet);
  try {
    return await vault.write((tx) => {
      contacts.upsertContact(tx, { id: 'olga', displayName: null, now: NOW });
      conversations.createDirectConversation(tx, { id: 'direct:olga', contactId: 'olga', now: NOW });
      const id = messages.insertMessage(tx, { uid: 'aa'.repeat(16), conversationId: 'direct:olga', authorId: 'olga', direction: 'incoming', body: '', status: 'received', sentAt: NOW, receivedAt: NOW });
      storeIncomingAttachments(tx, id, pointers, NOW);
      return tx.all('SELECT a.state, a.file_name, a.thumbnail FROM attachments a JOIN message_attachments ma ON ma.attachment_id = a.id ORDER BY ma.position');
    });
  } finally {
    await vault.lock();
  }
}

describe('incoming attachment pointers', () => {
  it(`keeps at most ${MAX_ATTACHMENTS_PER_MESSAGE} per message`, async () => {
    const rows = await store(Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE + 5 }, () => pointer()));
    expect(rows).toHaveLength(MAX_ATTACHMENTS_PER_MESSAGE);
    expect(rows.every((r) => r.state === 'downloading')).toBe(true);
  });

  it('stores pointers with fields out of bounds as failed, without their oversized parts', async () => {
    const rows = await store([
      pointer(),
      pointer({ size: BigInt(MAX_ATTACHMENT_BYTES + 1) }),
      pointer({ fileName: 'x'.repeat(256) }),
      pointer({ key: randomBytes(31) }),
      pointer({ digest: randomBytes(31) }),
      pointer({ blobId: '../../etc/passwd' }),
      pointer({ thumbnail: randomBytes(MAX_THUMBNAIL_BYTES + 1) }),
    ]);
    expect(rows.map((r) => r.state)).toEqual(['downloading', 'failed', 'failed', 'failed', 'failed', 'failed', 'downloading']);
    expect(rows[2]?.file_name).toBeNull();
    expect(rows[6]?.thumbnail).toBeNull();
  });
});
