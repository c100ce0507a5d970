import { describe, expect, it } from 'vitest';
import { testClientOptions, dm, eventually, useRelayAndProfiles } from './harness';

/** Replies, edits with their history, delete for everyone and for me, against a real relay process. */

const DAY = 24 * 60 * 60 * 1000;
const fixture = useRelayAndProfiles('hearth-edits-');
/** The senders' clock: tests move it forward to pass the 24-hour limit. */
let skew = 0;

function profile(name: string, clock = false) {
  return fixture.profile(name, clock ? { ...testClientOptions, now: () => Date.now() + skew } : testClientOptions);
}

describe('replies, edits and deletes', () => {
  it('quotes, edits with history, deletes for everyone (gone from search on both sides) and for me; refuses what is not allowed', async () => {
    const quinn = await profile('editquinn', true);
    const rosa = await profile('editrosa');
    await quinn.client.addContact('editrosa');

    const original = await quinn.client.send(dm('editrosa'), 'the plan is tuesday');
    await eventually(() => expect(rosa.client.getMessage(original.id).body).toBe('the plan is tuesday'));

    // Rosa replies, quoting it.
    const reply = await rosa.client.send(dm('editquinn'), 'tuesday works', original.id);
    expect(reply.replyTo).toBe(original.id);
    await eventually(() => expect(quinn.client.getMessage(reply.id).replyTo).toBe(original.id));

    // Quinn edits twice; both sides show "edited" and every version.
    await quinn.client.edit(original.id, 'the plan is wednesday');
    await quinn.client.edit(original.id, 'the plan is thursday');
    await eventually(() => expect(rosa.client.getMessage(original.id)).toMatchObject({ body: 'the plan is thursday', edited: true }));
    const versions = ['the plan is tuesday', 'the plan is wednesday', 'the plan is thursday'];
    expect(quinn.client.editHistory(original.id).map((v) => v.body)).toEqual(versions);
    expect(rosa.client.editHistory(original.id).map((v) => v.body)).toEqual(versions);
    expect(rosa.client.search('thursday').map((h) => h.messageId)).toEqual([original.id]);

    // Nobody edits someone else's message.
    await expect(rosa.client.edit(original.id, 'hijacked')).rejects.toMatchObject({ kind: 'invalid-arguments' });
    await expect(quinn.client.edit(reply.id, 'hijacked')).rejects.toMatchObject({ kind: 'invalid-arguments' });

    // Delete for everyone: a tombstone on both sides, out of both search indexes.
    await quinn.client.deleteMessage(original.id, true);
    expect(quinn.client.getMessage(original.id)).toMatchObject({ deleted: true, body: null });
    await eventually(() => expect(rosa.client.getMessage(original.id)).toMatchObject({ deleted: true, body: null }));
    expect(quinn.client.search('thursday')).toEqual([]);
    expect(rosa.client.search('thursday')).toEqual([]);
    expect(rosa.client.editHistory(original.id)).toEqual([]);
    await expect(rosa.client.deleteMessage(reply.id, false)).resolves.toBeUndefined();
    await expect(rosa.client.deleteMessage(original.id, true)).rejects.toMatchObject({ kind: 'invalid-arguments' });

    // Delete for me: gone here only.
    const kept = await quinn.client.send(dm('editrosa'), 'keep this on rosa side');
    await eventually(() => expect(rosa.client.getMessage(kept.id).body).toBe('keep this on rosa side'));
    await quinn.client.deleteMessage(kept.id, false);
    await expect(Promise.resolve().then(() => quinn.client.getMessage(kept.id))).rejects.toMatchObject({ kind: 'not-found' });
    expect(rosa.client.getMessage(kept.id).body).toBe('keep this on rosa side');

    // After 24 hours, delete for everyone is refused.
    const old = await quinn.client.send(dm('editrosa'), 'too late to take back');
    await quinn.client.waitUntilSent(old.id);
    skew = DAY + 60_000;
    await expect(quinn.client.deleteMessage(old.id, true)).rejects.toMatchObject({ kind: 'invalid-arguments' });
    expect(quinn.client.getMessage(old.id).deleted).toBe(false);
    skew = 0;
  });
});
