import { describe, expect, it } from 'vitest';
import { dm, eventually, useRelayAndProfiles } from './harness';

/** Reactions end to end against a real relay process: one per person, changeable and removable. */

const fixture = useRelayAndProfiles('hearth-reactions-');
const profile = (name: string) => fixture.profile(name);

describe('reactions', () => {
  it('one per person per message, changed and removed on both sides; a reaction in the same batch as its message lands', async () => {
    const ola = await profile('reactola');
    const pim = await profile('reactpim');
    await ola.client.addContact('reactpim');
    await pim.client.close();

    const message = await ola.client.send(dm('reactpim'), 'react to this');
    await ola.client.waitUntilSent(message.id);
    // Ola's own reaction goes out while Pim is offline, so both arrive in one batch.
    const mine = await ola.client.react(message.id, '🎉');
    expect(mine.reactions).toEqual([expect.objectContaining({ reactorId: null, emoji: '🎉' })]);
    await ola.client.waitUntilOutboxEmpty();

    await pim.reopen();
    await pim.client.sync();
    expect(pim.client.getMessage(message.id).reactions).toEqual([expect.objectContaining({ reactorId: 'reactola', emoji: '🎉' })]);

    await pim.client.react(message.id, '👍');
    await pim.client.react(message.id, '😂');
    await eventually(() =>
      expect(ola.client.getMessage(message.id).reactions?.map((r) => [r.reactorId, r.emoji]).sort()).toEqual([
        [null, '🎉'],
        ['reactpim', '😂'],
      ]),
    );

    await pim.client.react(message.id, null);
    await eventually(() => expect(ola.client.getMessage(message.id).reactions).toEqual([expect.objectContaining({ reactorId: null, emoji: '🎉' })]));
    expect(pim.client.getMessage(message.id).reactions).toEqual([expect.objectContaining({ reactorId: 'reactola', emoji: '🎉' })]);
  });
});
