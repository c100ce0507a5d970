import type { EnvelopeRow, WriteOp } from './mailbox-writer';

/**
 * A batch of mailbox writes packed into one buffer for the trip to the writer
 * thread. Structured cloning an object per envelope would copy every small
 * Buffer's whole backing slab; one buffer is copied once. Layout, per op:
 *   enqueue: 1, u32 maxQueue, u32 rows, then per row:
 *            u16 username bytes, username, u8 device, 32 fingerprint, 16 id, f64 expiresAt, u32 body bytes, body
 *   ack:     2, u16 account bytes, account, u8 device, u32 ids, 16 bytes per id
 */
const ENQUEUE = 1;
const ACK = 2;
const FINGERPRINT_BYTES = 32;
const ID_BYTES = 16;

function rowSize(row: EnvelopeRow): number {
  return 2 + Buffer.byteLength(row.username) + 1 + FINGERPRINT_BYTES + ID_BYTES + 8 + 4 + row.body.length;
}

export function packWriteOps(ops: readonly WriteOp[]): Buffer {
  let size = 0;
  for (const op of ops) {
    if (op.kind === 'enqueue') size += 9 + op.rows.reduce((sum, row) => sum + rowSize(row), 0);
    else size += 1 + 2 + Buffer.byteLength(op.address.accountId) + 1 + 4 + ID_BYTES * op.ids.length;
  }
  // Not from the shared pool: this buffer is transferred to the writer thread, detaching it here.
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  const bytes = (value: Uint8Array, length: number) => {
    if (value.length !== length) throw new RangeError(`Expected ${length} bytes.`);
    out.set(value, at);
    at += length;
  };
  const text = (value: string) => {
    const length = out.write(value, at + 2);
    out.writeUInt16LE(length, at);
    at += 2 + length;
  };
  for (const op of ops) {
    if (op.kind === 'enqueue') {
      at = out.writeUInt8(ENQUEUE, at);
      at = out.writeUInt32LE(op.maxQueue, at);
      at = out.writeUInt32LE(op.rows.length, at);
      for (const row of op.rows) {
        text(row.username);
        at = out.writeUInt8(row.deviceId, at);
        bytes(row.fingerprint, FINGERPRINT_BYTES);
        bytes(row.id, ID_BYTES);
        at = out.writeDoubleLE(row.expiresAt, at);
        at = out.writeUInt32LE(row.body.length, at);
        bytes(row.body, row.body.length);
      }
    } else {
      at = out.writeUInt8(ACK, at);
      text(op.address.accountId);
      at = out.writeUInt8(op.address.deviceId, at);
      at = out.writeUInt32LE(op.ids.length, at);
      for (const id of op.ids) bytes(id, ID_BYTES);
    }
  }
  return out;
}

/** Unpacks a batch; the byte fields are views into `data`. */
export function unpackWriteOps(data: Uint8Array): WriteOp[] {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const ops: WriteOp[] = [];
  let at = 0;
  const take = (length: number) => buffer.subarray(at, (at += length));
  const text = () => {
    const length = buffer.readUInt16LE(at);
    at += 2;
    return take(length).toString();
  };
  while (at < buffer.length) {
    const kind = buffer.readUInt8(at++);
    if (kind === ENQUEUE) {
      const maxQueue = buffer.readUInt32LE(at);
      const count = buffer.readUInt32LE(at + 4);
      at += 8;
      const rows: EnvelopeRow[] = [];
      for (let i = 0; i < count; i++) {
        const username = text();
        const deviceId = buffer.readUInt8(at++);
        const fingerprint = take(FINGERPRINT_BYTES);
        const id = take(ID_BYTES);
        const expiresAt = buffer.readDoubleLE(at);
        const bodyLength = buffer.readUInt32LE(at + 8);
        at += 12;
        rows.push({ username, deviceId, fingerprint, id, expiresAt, body: take(bodyLength) });
      }
      ops.push({ kind: 'enqueue', rows, maxQueue });
    } else if (kind === ACK) {
      const accountId = text();
      const deviceId = buffer.readUInt8(at++);
      const count = buffer.readUInt32LE(at);
      at += 4;
      const ids = Array.from({ length: count }, () => take(ID_BYTES));
      ops.push({ kind: 'ack', address: { accountId, deviceId }, ids });
    } else {
      throw new RangeError(`Unknown write op ${kind}.`);
    }
  }
  return ops;
}
