import { EnvelopeType, ErrorCode, type OutgoingEnvelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { submissionFingerprint } from '../../credentials';
import { RelayError, fail } from '../../errors';
import { RandomPool } from '../../random-pool';
import type { EnqueueOutcome, NewEnvelope, QueuedEnvelope } from '../../store/types';
import { ENVELOPE_ID_BYTES, MAX_DEVICE_ID, SUBMISSION_ID_BYTES, isUsername } from '../../validate';
import type { Handler, Session } from '../handler';
import { encodeEnvelope } from '../envelope-encoding';
import { requireSession } from '../session';

const knownTypes = new Set<EnvelopeType>([
  EnvelopeType.CIPHERTEXT,
  EnvelopeType.PREKEY_MESSAGE,
  EnvelopeType.SEALED_SENDER,
  EnvelopeType.PLAINTEXT_CONTENT,
]);

const randomIds = new RandomPool();

const outcomeCodes: Readonly<Record<EnqueueOutcome, ErrorCode>> = {
  stored: ErrorCode.NONE,
  duplicate: ErrorCode.NONE,
  'queue-full': ErrorCode.QUEUE_FULL,
  'not-found': ErrorCode.NOT_FOUND,
};

/** Why one envelope of a batch is refused before it reaches the store, if it is. */
function refusal(envelope: OutgoingEnvelope, maxBytes: number): ErrorCode | undefined {
  if (!knownTypes.has(envelope.type)) return ErrorCode.INVALID_ARGUMENT;
  if (envelope.content.length === 0 || envelope.submissionId.length !== SUBMISSION_ID_BYTES) return ErrorCode.INVALID_ARGUMENT;
  if (envelope.deviceId < 1 || envelope.deviceId > MAX_DEVICE_ID) return ErrorCode.INVALID_ARGUMENT;
  if (envelope.content.length > maxBytes) return ErrorCode.TOO_LARGE;
  if (!isUsername(envelope.username)) return ErrorCode.NOT_FOUND;
  return undefined;
}

export const send: Handler<'send'> = async (request, { relay, connection }) => {
  const { limits, metrics, store } = relay;
  const outgoing = request.envelopes;
  if (outgoing.length === 0) throw fail.invalid('A send carries at least one envelope.');
  if (outgoing.length > limits.maxBatch) throw new RelayError(ErrorCode.BATCH_TOO_LARGE, `Send at most ${limits.maxBatch} envelopes at once.`);
  const session = connection.session;
  if (!session && outgoing.some((e) => e.type !== EnvelopeType.SEALED_SENDER)) {
    throw fail.unauthenticated('Only sealed-sender envelopes may be sent without authenticating.');
  }

  const now = relay.now();
  const ids = randomIds.take(ENVELOPE_ID_BYTES * outgoing.length);
  const codes: ErrorCode[] = [];
  const items: NewEnvelope[] = [];
  const positions: number[] = [];
  outgoing.forEach((e, index) => {
    const code = refusal(e, limits.maxEnvelopeBytes);
    codes.push(code ?? ErrorCode.NONE);
    if (code !== undefined) return;
    positions.push(index);
    items.push({
      recipientUsername: e.username,
      recipientDeviceId: e.deviceId,
      fingerprint: submissionFingerprint(e.username, e.deviceId, e.submissionId),
      envelope: queuedEnvelope(ids.subarray(index * ENVELOPE_ID_BYTES, (index + 1) * ENVELOPE_ID_BYTES), e, now, session),
      expiresAt: now + limits.envelopeTtlMs,
    });
  });

  const outcomes = items.length > 0 ? await store.mailboxes.enqueue(items, limits.maxQueue) : [];
  const duplicate = new Set<number>();
  outcomes.forEach((outcome, i) => {
    const index = positions[i] ?? 0;
    codes[index] = outcomeCodes[outcome];
    if (outcome === 'duplicate') duplicate.add(index);
    if (outcome === 'stored') {
      metrics.accepted();
      if (outgoing[positions[i] ?? 0]?.type === EnvelopeType.SEALED_SENDER) metrics.sealed();
    }
  });
  if (duplicate.size > 0) metrics.duplicates(duplicate.size);
  for (const code of codes) if (code !== ErrorCode.NONE) metrics.errors(1, ErrorCode[code]);
  return { results: codes.map((error, index) => ({ error, duplicate: duplicate.has(index) })) };
};

/** The envelope as it will be stored and pushed, encoded once. Sealed envelopes carry no sender, whoever sent them. */
function queuedEnvelope(id: Uint8Array, outgoing: OutgoingEnvelope, now: number, session: Session | undefined): QueuedEnvelope {
  const sender = outgoing.type !== EnvelopeType.SEALED_SENDER ? session : undefined;
  const bytes = encodeEnvelope({
    id,
    type: outgoing.type,
    content: outgoing.content,
    senderUsername: sender?.account.username ?? '',
    senderDeviceId: sender?.deviceId ?? 0,
    senderAccountId: sender?.account.accountId ?? '',
    serverTimestampMs: now,
  });
  return { id, bytes };
}

export const ack: Handler<'ack'> = async (request, context) => {
  const session = requireSession(context);
  const { limits, metrics, store } = context.relay;
  if (request.ids.length > limits.maxBatch) throw new RelayError(ErrorCode.BATCH_TOO_LARGE, `Ack at most ${limits.maxBatch} ids at once.`);
  if (request.ids.some((id) => id.length !== ENVELOPE_ID_BYTES)) throw fail.invalid(`An envelope id is ${ENVELOPE_ID_BYTES} bytes.`);
  await store.mailboxes.ack({ accountId: session.account.accountId, deviceId: session.deviceId }, request.ids);
  context.connection.acked(request.ids);
  metrics.acked(request.ids.length);
  return {};
};
