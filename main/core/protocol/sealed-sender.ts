import {
  CiphertextMessageType,
  ContentHint,
  PublicKey,
  SenderCertificate,
  sealedSenderDecryptToUsmc,
  groupEncrypt,
  sealedSenderEncrypt as libsignalSealedSenderEncrypt,
  UnidentifiedSenderMessageContent,
} from '@signalapp/libsignal-client';
import { sameDevice, toProtocolAddress } from './address';
import { toLibsignalBytes } from './bytes';
import { decryptMessage, encryptInOperation, type DecryptedMessage, type SessionMessageType } from './cipher';
import { fromLibsignalError, ProtocolError } from './errors';
import { decryptGroupMessage } from './group-cipher';
import { padContent } from './padding';
import type { DeviceAddress } from './storage';
import type { ProtocolTransaction } from './transaction';

/**
 * Sealed sender: the envelope the relay sees names only the recipient. Inside
 * it (sealed to the recipient's identity key) is the sender's certificate,
 * issued and signed by the relay's server key, which the relay's trust root
 * signed, and the session ciphertext. The recipient learns and checks the
 * sender from the certificate.
 */

export interface UnsealedMessage extends DecryptedMessage {
  /** The sender, as the certificate names it. */
  readonly sender: DeviceAddress;
  /** For a group message (sender key): the group id the sender sealed with it. */
  readonly groupId?: Uint8Array | null;
  /**
   * A group message from a sender whose sender key we do not hold yet: the
   * SenderKeyMessage, to keep and decrypt once their distribution arrives
   * (`content` is then empty).
   */
  readonly awaitingSenderKey?: Uint8Array;
}

function parseCertificate(bytes: Uint8Array): SenderCertificate {
  try {
    return SenderCertificate.deserialize(toLibsignalBytes(bytes));
  } catch {
    throw new ProtocolError('invalid-certificate', 'The sender certificate is malformed.');
  }
}

/**
 * Encrypt `content` for `to` and seal it with our sender certificate (bytes as
 * issued by the relay). The certificate must be ours (this device, our current
 * identity key) and unexpired, or recipients would refuse the message.
 */
export async function sealedSenderEncrypt(
  tx: ProtocolTransaction,
  to: DeviceAddress,
  content: Uint8Array,
  senderCertificate: Uint8Array,
  options: { readonly senderUuid?: string } = {},
): Promise<Uint8Array> {
  const certificate = parseCertificate(senderCertificate);
  // A relay may name accounts in certificates by a stable id rather than the username we use as our address.
  await checkOwnCertificate(tx, certificate, options.senderUuid);
  try {
    const { value } = await tx.run(async (stores) => {
      const ciphertext = await encryptInOperation(tx, stores, to, content);
      const usmc = UnidentifiedSenderMessageContent.new(ciphertext, certificate, ContentHint.Default, null);
      return libsignalSealedSenderEncrypt(usmc, toProtocolAddress(to), stores.identity);
    });
    return value;
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The message could not be sealed.', to);
  }
}

/** Checks that a certificate is ours and unexpired (recipients would refuse it otherwise). */
async function checkOwnCertificate(tx: ProtocolTransaction, certificate: SenderCertificate, senderUuid: string | undefined): Promise<void> {
  const ourKey = (await tx.identityKeyPair()).publicKey;
  const expected = { name: senderUuid ?? tx.localAddress.name, deviceId: tx.localAddress.deviceId };
  if (!sameDevice({ name: certificate.senderUuid(), deviceId: certificate.senderDeviceId() }, expected) || !certificate.key().equals(ourKey)) {
    throw new ProtocolError('invalid-certificate', 'The sender certificate is not for this device and identity key; fetch a new one.');
  }
  if (certificate.expiration() <= tx.now()) {
    throw new ProtocolError('invalid-certificate', 'The sender certificate has expired; fetch a new one.');
  }
}

/**
 * A group message, encrypted ONCE under our sender key for `distributionId`
 * and wrapped with our certificate and the group id into a sealed-sender
 * content (serialized), ready to be sealed to each member device with
 * sealGroupContent. The group id travels only inside the sealed envelope.
 */
export async function encryptGroupContent(
  tx: ProtocolTransaction,
  distributionId: string,
  content: Uint8Array,
  senderCertificate: Uint8Array,
  groupId: Uint8Array,
  options: { readonly senderUuid?: string } = {},
): Promise<Uint8Array> {
  const certificate = parseCertificate(senderCertificate);
  await checkOwnCertificate(tx, certificate, options.senderUuid);
  try {
    const { value } = await tx.run(async (stores) => {
      const ciphertext = await groupEncrypt(toProtocolAddress(tx.localAddress), distributionId, stores.senderKey, padContent(content));
      return UnidentifiedSenderMessageContent.new(ciphertext, certificate, ContentHint.Default, toLibsignalBytes(groupId)).serialize();
    });
    return value;
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group message could not be encrypted.');
  }
}

/** The certificate inside a group content from encryptGroupContent (to tell whether it is still current). */
export function groupContentCertificate(sealedContent: Uint8Array): Uint8Array {
  return UnidentifiedSenderMessageContent.deserialize(toLibsignalBytes(sealedContent)).senderCertificate().serialize();
}

/** Seals a group content (encryptGroupContent) to one member device: needs their identity key, not a session. */
export async function sealGroupContent(tx: ProtocolTransaction, to: DeviceAddress, sealedContent: Uint8Array): Promise<Uint8Array> {
  try {
    const { value } = await tx.run((stores) => libsignalSealedSenderEncrypt(UnidentifiedSenderMessageContent.deserialize(toLibsignalBytes(sealedContent)), toProtocolAddress(to), stores.identity));
    return value;
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The group message could not be sealed.', to);
  }
}

export interface SealedSenderDecryptOptions {
  /** The relay's trust root public key (serialized, 33 bytes), pinned in the client's config. */
  readonly trustRoot: Uint8Array;
  /**
   * Maps the sender the certificate names (a relay account id) to the address
   * sessions are kept under (a username). Called only after the certificate
   * checked out; by default the certificate's name is the address.
   */
  readonly resolveSender?: (certified: DeviceAddress) => Promise<DeviceAddress>;
}

/**
 * Unseal, check the sender certificate against the trust root at the
 * transaction's clock, then decrypt the inner message from the named sender.
 * Errors after unsealing carry the sender's address, so messaging can reset
 * the right session.
 */
export async function sealedSenderDecrypt(
  tx: ProtocolTransaction,
  sealed: Uint8Array,
  options: SealedSenderDecryptOptions,
): Promise<UnsealedMessage> {
  let trustRoot: PublicKey;
  try {
    trustRoot = PublicKey.deserialize(toLibsignalBytes(options.trustRoot));
  } catch {
    throw new ProtocolError('misuse', 'The configured trust root is not a public key.');
  }
  let usmc: UnidentifiedSenderMessageContent;
  try {
    usmc = (await tx.run((stores) => sealedSenderDecryptToUsmc(toLibsignalBytes(sealed), stores.identity))).value;
  } catch (error) {
    throw fromLibsignalError(error, 'invalid-message', 'The sealed message could not be opened.');
  }

  const certificate = usmc.senderCertificate();
  const certified: DeviceAddress = { name: certificate.senderUuid(), deviceId: certificate.senderDeviceId() };
  const now = tx.now();
  if (!certificate.validate(trustRoot, now)) {
    const message = certificate.expiration() <= now
      ? 'The sender certificate has expired.'
      : 'The sender certificate is not signed under the trusted root.';
    throw new ProtocolError('invalid-certificate', message, { address: certified });
  }
  const sender = options.resolveSender ? await options.resolveSender(certified) : certified;
  if (sameDevice(sender, tx.localAddress)) {
    throw new ProtocolError('self-send', 'A sealed message claiming to come from this device was refused.', { address: sender });
  }

  let type: SessionMessageType;
  switch (usmc.msgType()) {
    case CiphertextMessageType.PreKey:
      type = 'prekey';
      break;
    case CiphertextMessageType.Whisper:
      type = 'whisper';
      break;
    case CiphertextMessageType.SenderKey: {
      const groupId = usmc.groupId();
      try {
        return { content: await decryptGroupMessage(tx, sender, usmc.contents()), identityChange: null, sender, groupId };
      } catch (error) {
        if (error instanceof ProtocolError && error.kind === 'no-sender-key') return { content: new Uint8Array(0), identityChange: null, sender, groupId, awaitingSenderKey: usmc.contents() };
        throw error;
      }
    }
    default:
      throw new ProtocolError('invalid-message', 'The sealed message carries a kind of content this version does not read.', { address: sender });
  }
  const decrypted = await decryptMessage(tx, sender, { type, body: usmc.contents() });
  return { ...decrypted, sender };
}
