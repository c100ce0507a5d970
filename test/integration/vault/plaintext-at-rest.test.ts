import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault, contacts, conversations, messages, outbox, profile, protocol } from '../../../main/core/vault';
import { FAST_KDF, allBytes, message, quiet, tempDir } from '../../unit/vault/helpers';

const CANARY = 'CANARY-7f3a9c1e-do-not-leak';

/** Plaintext the vault holds, each of which must not appear anywhere on disk. */
const known = [
  CANARY,
  'SQLite format 3',
  'CREATE TABLE',
  'messages_fts',
  'Wilhelmina Canaryfeather',
  'wilhelmina@example.org',
  'Secret-Plans-2024.pdf',
  'application/pdf',
  'direct:wilhelmina',
  'https://relay.example.org',
  'INSERT INTO',
  CANARY.toUpperCase(),
];

/** Also look for the UTF-16 form (SQLite may store text so) and the base64 form (a JSON file would). */
function forms(text: string): Buffer[] {
  return [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le'), Buffer.from(Buffer.from(text).toString('base64').slice(0, -4))];
}

function leaks(bytes: Buffer): string[] {
  return known.filter((text) => forms(text).some((form) => bytes.includes(form)));
}

describe('plaintext at rest', () => {
  it('leaves no message text, name, file name, SQL or SQLite header anywhere in the profile folder', async () => {
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'canary passphrase', kdf: FAST_KDF }, quiet);
    const conversationId = 'direct:wilhelmina';
    const attachment = await vault.attachments.put([Buffer.from(`attachment body ${CANARY} `.repeat(5000))], { contentType: 'application/pdf', fileName: 'Secret-Plans-2024.pdf', createdAt: 1 });
    await vault.write((tx) => {
      profile.saveProfile(tx, {
        username: 'wilhelmina@example.org',
        deviceId: 1,
        displayName: 'Wilhelmina Canaryfeather',
        registrationId: 7,
        identityPublic: Buffer.from(CANARY),
        identityPrivate: Buffer.from(CANARY),
        relayUrl: 'https://relay.example.org',
        authSecret: Buffer.from(CANARY),
        createdAt: 1,
        updatedAt: 1,
      });
      contacts.upsertContact(tx, { id: 'wilhelmina', displayName: 'Wilhelmina Canaryfeather', now: 1 });
      conversations.createDirectConversation(tx, { id: conversationId, contactId: 'wilhelmina', now: 1 });
      protocol.putSession(tx, { name: 'wilhelmina', deviceId: 1 }, Buffer.from(CANARY), 1);
      outbox.enqueue(tx, { kind: 'message', conversationId, messageId: null, recipient: 'wilhelmina', payload: Buffer.from(CANARY), nextAttemptAt: 1, createdAt: 1 });
    });
    for (let n = 0; n < 200; n++) {
      await vault.write((tx) => messages.insertMessage(tx, message(conversationId, n, `message ${n}: ${CANARY} ${CANARY.toUpperCase()}`, n === 0 ? { attachmentIds: [attachment.id] } : {})));
    }
    // While running: the journal holds every commit.
    expect(leaks(allBytes(dir))).toEqual([]);
    await vault.compact();
    await vault.write((tx) => messages.insertMessage(tx, message(conversationId, 999, `after compaction ${CANARY}`)));
    // After compaction: a fresh snapshot plus a short journal.
    expect(leaks(allBytes(dir))).toEqual([]);
    await vault.close();
    // Locked and closed: everything at rest.
    const bytes = allBytes(dir);
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(leaks(bytes)).toEqual([]);
    // The scan itself works: the same check finds the canary in a plaintext copy.
    expect(leaks(Buffer.concat([bytes, Buffer.from(`x${CANARY}x`)]))).toEqual([CANARY]);
  });
});
