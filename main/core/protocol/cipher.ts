import {
  CiphertextMessageType,
  PreKeySignalMessage,
  signalDecrypt,
  signalDecryptPreKey,
  SignalMessage,
  signalEncrypt,
  type CiphertextMessage,
} from '@signalapp/libsignal-client';
import { toProtocolAddress } from './address';
import { toLibsignalBytes } from './bytes';
import { fromLibsignalError, ProtocolError } from './errors';
import type { IdentityChangeNotice } from './identity';
import { padContent, unpadContent } from './padding';
import type { LibsignalStores } from './stores';
import type { DeviceAddress } from './storage';
import type { ProtocolTransaction } from './transaction';

/**
 * One-to-one encryption over an established session (Double Ratchet). Content
 * is padded here, so no caller can forget to; what goes in to encrypt comes
 * out of decrypt.
 */

/** 'prekey': the first messages of a session (PreKeySignalMessage); 'whisper': the rest (SignalMessage). */
export type SessionMessageType = 'prekey' | 'whisper';

export interface SessionCiphertext {
  readonly type: SessionMessageType;
  readonly body: Uint8Array;
}

export interface DecryptedMessage {
  readonly content: Uint8Array;
  /** Set when this message came with a new identity key for the sender: show it in the chat. */
  readonly identityChange: IdentityChangeNotice | null;
}

/** @internal Shared with sealed sender: encrypt inside an operation already running. */
export async function encryptInOperation(
  tx: ProtocolTransaction,
  stores: LibsignalStores,
  to: DeviceAddress,
  content: Uint8Array,
): Promise<CiphertextMessage> {
  const record = await tx.getSessionRecord(to);
  if (record === null || !record.hasCurrentState(new Date(tx.now()))) {
    throw new ProtocolError('no-session', 'No session with this device; fetch its prekey bundle first.', { address: to });
  }
  return signalEncrypt(padContent(content), toProtocolAddress(to), toProtocolAddress(tx.localAddress), stores.session, stores.identity, new Date(tx.now()));
}

export async function encryptMessage(tx: ProtocolTransaction, to: DeviceAddress, content: Uint8Array): Promise<SessionCiphertext> {
  try {
    const { value } = await tx.run((stores) => encryptInOperation(tx, stores, to, content));
    return { type: value.type() === CiphertextMessageType.PreKey ? 'prekey' : 'whisper', body: value.serialize() };
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The message could not be encrypted.', to);
  }
}

function parse<T>(parser: (bytes: Uint8Array<ArrayBuffer>) => T, body: Uint8Array, from: DeviceAddress): T {
  try {
    return parser(toLibsignalBytes(body));
  } catch {
    throw new ProtocolError('invalid-message', 'The message is malformed.', { address: from });
  }
}

/**
 * Decrypt a message from one device. Failures are ProtocolErrors whose kind
 * says what to do: 'duplicate-message' (drop it), 'untrusted-identity' never
 * happens here (receiving is always trusted), and the kinds for which
 * needsSessionReset() is true mean "store a placeholder and reset the session".
 * A failed decrypt leaves the transaction's state as it was before the call.
 */
export async function decryptMessage(tx: ProtocolTransaction, from: DeviceAddress, message: SessionCiphertext): Promise<DecryptedMessage> {
  const remote = toProtocolAddress(from);
  const local = toProtocolAddress(tx.localAddress);
  try {
    const result = await tx.run(async (stores) => {
      let padded: Uint8Array;
      if (message.type === 'prekey') {
        const parsed = parse(PreKeySignalMessage.deserialize, message.body, from);
        padded = await signalDecryptPreKey(parsed, remote, local, stores.session, stores.identity, stores.preKey, stores.signedPreKey, stores.kyberPreKey);
      } else {
        const parsed = parse(SignalMessage.deserialize, message.body, from);
        // libsignal reports a missing session as a Generic error; find out ourselves.
        if (!(await tx.hasSession(from))) {
          throw new ProtocolError('no-session', 'A message arrived for a session this device does not have.', { address: from });
        }
        padded = await signalDecrypt(parsed, remote, local, stores.session, stores.identity);
      }
      return unpadContent(padded);
    });
    return { content: result.value, identityChange: result.identityChanges[0] ?? null };
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The message could not be decrypted.', from);
  }
}
