import { randomBytes } from 'node:crypto';
import { createProfile } from '../main/core/account';
import { contacts, conversations, messages, type SqlWriter } from '../main/core/vault';

/**
 * A profile for the UI benchmark, registered on a real relay and opened with
 * a raw key file (so the slow passphrase KDF is not in the figures), then
 * filled through the vault's own queries: one long conversation and many
 * short ones, as a heavy Signal user's history looks.
 */
export interface SeedOptions {
  dir: string;
  keyFile: string;
  relayUrl: string;
  username: string;
  /** Messages in the one long conversation. */
  bigMessages: number;
  /** Other conversations, each with `smallMessages` messages. */
  otherConversations: number;
  smallMessages: number;
  /** A word that appears in every `rareEvery`-th message of the long conversation, for search. */
  rareWord: string;
  rareEvery: number;
}

export interface SeededProfile {
  bigConversationId: string;
  bigTitle: string;
  newestBody: string;
  totalMessages: number;
}

const WORDS = ['dinner', 'tonight', 'train', 'late', 'photos', 'weekend', 'coffee', 'meeting', 'garden', 'book', 'film', 'rain', 'holiday', 'call', 'later', 'thanks', 'great', 'idea', 'tomorrow', 'office', 'birthday', 'cake', 'bike', 'market'];
const BATCH = 5_000;
const MINUTE = 60_000;

/** A body that reads like chat and says which message it is ("#123"), so the benchmark can tell how far it scrolled. */
function body(index: number, rareWord: string | null): string {
  const words = Array.from({ length: 3 + (index % 17) }, (_, i) => WORDS[(index * 7 + i * 13) % WORDS.length]);
  if (rareWord) words.splice(2, 0, rareWord);
  // Every ninth message is long enough to wrap over several lines.
  const text = index % 9 === 0 ? `${words.join(' ')}. ${words.slice().reverse().join(' ')}. ${words.join(' ')}` : words.join(' ');
  return `#${index} ${text}`;
}

function uid(): string {
  return randomBytes(16).toString('hex');
}

export async function seedProfile(options: SeedOptions): Promise<SeededProfile> {
  const { vault } = await createProfile({ dir: options.dir, username: options.username, relayUrl: options.relayUrl, protection: { kind: 'keyfile', path: options.keyFile } });
  const now = Date.now();
  const bigContact = 'big.conversation';
  const bigConversationId = `direct:${bigContact}`;
  const addContact = (tx: SqlWriter, id: string, displayName: string, at: number) => {
    contacts.upsertContact(tx, { id, displayName, now: at });
    conversations.createDirectConversation(tx, { id: `direct:${id}`, contactId: id, now: at });
  };

  // The long conversation: one message every few minutes, going back months.
  const start = now - options.bigMessages * 3 * MINUTE;
  await vault.write((tx) => addContact(tx, bigContact, 'Dana Whitfield', start));
  for (let first = 0; first < options.bigMessages; first += BATCH) {
    await vault.write((tx) => {
      for (let i = first; i < Math.min(first + BATCH, options.bigMessages); i += 1) {
        const outgoing = i % 3 === 0;
        const at = start + i * 3 * MINUTE;
        messages.insertMessage(tx, {
          uid: uid(),
          conversationId: bigConversationId,
          authorId: outgoing ? null : bigContact,
          direction: outgoing ? 'outgoing' : 'incoming',
          body: body(i, i % options.rareEvery === 0 ? options.rareWord : null),
          status: outgoing ? 'read' : 'received',
          sentAt: at,
          receivedAt: at,
        });
      }
    });
  }
  // The others: older activity, so the long one is at the top of the list.
  await vault.write((tx) => {
    for (let c = 0; c < options.otherConversations; c += 1) {
      const id = `friend.${c}`;
      const at = start - (c + 1) * 60 * MINUTE;
      addContact(tx, id, `Friend ${c}`, at);
      for (let m = 0; m < options.smallMessages; m += 1) {
        const sentAt = at + m * MINUTE;
        messages.insertMessage(tx, { uid: uid(), conversationId: `direct:${id}`, authorId: m % 2 ? null : id, direction: m % 2 ? 'outgoing' : 'incoming', body: body(m, null), status: m % 2 ? 'read' : 'received', sentAt, receivedAt: sentAt });
      }
    }
  });
  // Everything seeded has been read, so the figures are not about a 100,000-message unread count.
  await vault.write((tx) => {
    messages.markRead(tx, bigConversationId, Number.MAX_SAFE_INTEGER, now);
    for (let c = 0; c < options.otherConversations; c += 1) messages.markRead(tx, `direct:friend.${c}`, Number.MAX_SAFE_INTEGER, now);
  });
  await vault.lock();
  return { bigConversationId, bigTitle: 'Dana Whitfield', newestBody: body(options.bigMessages - 1, (options.bigMessages - 1) % options.rareEvery === 0 ? options.rareWord : null), totalMessages: options.bigMessages + options.otherConversations * options.smallMessages };
}
