import {
  groupDecrypt,
  groupEncrypt,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
} from '@signalapp/libsignal-client';
import { toProtocolAddress } from './address';
import { toLibsignalBytes } from './bytes';
import { fromLibsignalError, ProtocolError } from './errors';
import { padContent, unpadContent } from './padding';
import type { DeviceAddress } from './storage';
import type { ProtocolTransaction } from './transaction';

/**
 * Sender keys, for groups: each member has a sending chain per distribution id
 * (one per group), and hands its start to every other member once, in a
 * SenderKeyDistributionMessage sent over the 1:1 sessions. A group message is
 * then encrypted once for everyone. Content is padded as in 1:1 messages.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkDistributionId(distributionId: string): void {
  if (!UUID.test(distributionId)) throw new ProtocolError('misuse', 'A distribution id must be a UUID.');
}

/** Our distribution message for one group, creating our sending chain on first use. Send it to each member over 1:1 sessions. */
export async function createSenderKeyDistribution(tx: ProtocolTransaction, distributionId: string): Promise<Uint8Array> {
  checkDistributionId(distributionId);
  try {
    const { value } = await tx.run((stores) =>
      SenderKeyDistributionMessage.create(toProtocolAddress(tx.localAddress), distributionId, stores.senderKey),
    );
    return value.serialize();
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group key could not be created.');
  }
}

/** Take a member's distribution message (received over the 1:1 session with `sender`). */
export async function processSenderKeyDistribution(tx: ProtocolTransaction, sender: DeviceAddress, distribution: Uint8Array): Promise<void> {
  let message: SenderKeyDistributionMessage;
  try {
    message = SenderKeyDistributionMessage.deserialize(toLibsignalBytes(distribution));
  } catch {
    throw new ProtocolError('invalid-message', 'The group key message is malformed.', { address: sender });
  }
  try {
    await tx.run((stores) => processSenderKeyDistributionMessage(toProtocolAddress(sender), message, stores.senderKey));
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group key message could not be used.', sender);
  }
}

/** Encrypt once for the whole group; the result is a serialized SenderKeyMessage. */
export async function encryptGroupMessage(tx: ProtocolTransaction, distributionId: string, content: Uint8Array): Promise<Uint8Array> {
  checkDistributionId(distributionId);
  try {
    const { value } = await tx.run((stores) =>
      groupEncrypt(toProtocolAddress(tx.localAddress), distributionId, stores.senderKey, padContent(content)),
    );
    return value.serialize();
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group message could not be encrypted.');
  }
}

/** Decrypt a group message from `sender`: 'no-sender-key' if their distribution message has not been processed. */
export async function decryptGroupMessage(tx: ProtocolTransaction, sender: DeviceAddress, message: Uint8Array): Promise<Uint8Array> {
  let distributionId: string;
  try {
    distributionId = SenderKeyMessage.deserialize(toLibsignalBytes(message)).distributionId();
  } catch {
    throw new ProtocolError('invalid-message', 'The group message is malformed.', { address: sender });
  }
  try {
    const { value } = await tx.run(async (stores) => {
      // libsignal reports a missing sender key as a Generic error; find out ourselves.
      if ((await tx.getSenderKey(sender, distributionId)) === null) {
        throw new ProtocolError('no-sender-key', 'No group key from this sender yet; ask them to send it again.', { address: sender });
      }
      return unpadContent(await groupDecrypt(toProtocolAddress(sender), stores.senderKey, toLibsignalBytes(message)));
    });
    return value;
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group message could not be decrypted.', sender);
  }
}
