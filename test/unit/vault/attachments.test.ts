import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../../main/core/vault';
import { keyfileVault, quiet } from './helpers';

const BLOCK = randomBytes(256 * 1024);

/** A deterministic stream of `size` bytes, produced piece by piece (each piece numbered, so pieces differ). */
function generated(size: number): Readable {
  let sent = 0;
  let index = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const chunk = Buffer.from(BLOCK.subarray(0, Math.min(BLOCK.length, size - sent)));
      chunk.writeUInt32LE(index++, 0);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function digestOf(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

describe('attachments at rest', () => {
  it('streams a 100 MB file in and out, sealed, without holding it in memory', async () => {
    const { vault, dir } = await keyfileVault();
    const size = 100 * 1024 * 1024;
    const expected = await digestOf(generated(size));
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    const base = process.memoryUsage().arrayBuffers;
    const info = await vault.attachments.put(generated(size), { contentType: 'video/mp4', fileName: 'clip.mp4', createdAt: 1 });
    const back = await digestOf(vault.attachments.createReadStream(info.id));
    clearInterval(sample);
    expect(back).toEqual(expected);
    expect(Buffer.from(info.sha256).toString('hex')).toBe(expected.sha256);
    expect(info.size).toBe(size);
    // Streaming holds a few chunks at a time, never the file: far below its 100 MB.
    expect(peak - base).toBeLessThan(32 * 1024 * 1024);
    const file = path.join(dir, 'attachments', info.id);
    expect(fs.statSync(file).size).toBe(32 + size + Math.ceil(size / 65536) * 28);
    await vault.close();
  }, 60_000);

  it('detects a changed, truncated or missing attachment file, and tells one from a newer Hearth apart', async () => {
    const { vault, dir } = await keyfileVault();
    const content = randomBytes(200_000);
    const info = await vault.attachments.put([content], { contentType: 'application/octet-stream', createdAt: 1 });
    expect((await collect(vault.attachments.chunks(info.id))).equals(content)).toBe(true);
    const file = path.join(dir, 'attachments', info.id);
    const original = fs.readFileSync(file);
    const flipped = Buffer.from(original);
    flipped[100_000] = (flipped[100_000] as number) ^ 1;
    fs.writeFileSync(file, flipped);
    await expect(collect(vault.attachments.chunks(info.id))).rejects.toMatchObject({ kind: 'corrupt-attachment' });
    // Cut exactly at a chunk boundary: the last remaining chunk was not sealed as the final one.
    fs.writeFileSync(file, original.subarray(0, 32 + 2 * (65536 + 28)));
    await expect(collect(vault.attachments.chunks(info.id))).rejects.toMatchObject({ kind: 'corrupt-attachment' });
    // A later format version is a newer Hearth's file, not damage; an unknown older one is damage.
    const later = Buffer.from(original);
    later.writeUInt16LE(2, 8);
    fs.writeFileSync(file, later);
    await expect(collect(vault.attachments.chunks(info.id))).rejects.toMatchObject({ kind: 'newer-format', message: expect.stringMatching(/newer Hearth/) as unknown });
    later.writeUInt16LE(0, 8);
    fs.writeFileSync(file, later);
    await expect(collect(vault.attachments.chunks(info.id))).rejects.toMatchObject({ kind: 'corrupt-attachment' });
    fs.rmSync(file);
    await expect(collect(vault.attachments.chunks(info.id))).rejects.toMatchObject({ kind: 'corrupt-attachment' });
    await vault.close();
  });

  it('deletes an attachment with its references, and sweeps orphaned files', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const kept = await vault.attachments.put([Buffer.from('keep')], { contentType: 'text/plain', createdAt: 1 });
    const gone = await vault.attachments.put([Buffer.from('drop')], { contentType: 'text/plain', createdAt: 1 });
    await vault.attachments.delete(gone.id);
    expect(vault.attachments.info(gone.id)).toBeNull();
    expect(fs.existsSync(path.join(dir, 'attachments', gone.id))).toBe(false);
    fs.writeFileSync(path.join(dir, 'attachments', 'ab'.repeat(16)), 'left by a crash');
    expect(vault.attachments.sweep()).toBe(1);
    await vault.close();
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect((await collect(reopened.attachments.chunks(kept.id))).toString()).toBe('keep');
    expect(reopened.attachments.info(kept.id)).toMatchObject({ size: 4, contentType: 'text/plain' });
    await reopened.close();
  });

  it('finishes a file with its flush in the background: the same sealed file, nothing appended after its end, and an abort meanwhile leaves nothing', async () => {
    const { vault, dir } = await keyfileVault();
    const data = randomBytes(300_000);
    const stored = (name: string) => fs.existsSync(path.join(dir, 'attachments', name));
    const early = vault.attachments.createWriter();
    early.append(data);
    const finishing = early.finishInBackground();
    expect(() => early.append(Buffer.from('late'))).toThrow(/already closed/);
    const finished = await finishing;
    expect(finished).toMatchObject({ id: early.id, size: data.length, sha256: createHash('sha256').update(data).digest() });
    expect(stored(early.id)).toBe(true);
    expect(stored(`${early.id}.tmp`)).toBe(false);
    const plain = vault.attachments.createWriter();
    plain.append(data);
    const sync = plain.finish();
    // Both ways give the same format: the same size on disk, readable once recorded.
    expect(fs.statSync(path.join(dir, 'attachments', early.id)).size).toBe(fs.statSync(path.join(dir, 'attachments', sync.id)).size);
    await vault.write((tx) =>
      tx.run('INSERT INTO attachments (id, file_key, size, sha256, content_type, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [finished.id, finished.key, finished.size, finished.sha256, 'application/octet-stream', null, 1]),
    );
    expect((await collect(vault.attachments.chunks(finished.id))).equals(data)).toBe(true);

    const dropped = vault.attachments.createWriter();
    dropped.append(data);
    const flushing = dropped.finishInBackground();
    dropped.abort();
    await expect(flushing).rejects.toMatchObject({ name: 'VaultError' });
    expect(stored(dropped.id)).toBe(false);
    expect(stored(`${dropped.id}.tmp`)).toBe(false);
    vault.attachments.removeFile(sync.id);
    await vault.close();
  });
});
