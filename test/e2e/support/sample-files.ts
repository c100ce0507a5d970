import { crc32, deflateSync } from 'node:zlib';

/*
 * Small real files for the attachment tests, made here so the repository
 * holds no binaries: a PNG the browser decodes (so it gets a thumbnail and
 * dimensions), a WAV it plays, and a PDF-looking document.
 */

/** A deterministic pseudo-random byte stream (a 32-bit LCG), so noise images compress badly and the same run gives the same bytes. */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state >>> 24;
  };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * An RGB PNG of `width`×`height`: a colour gradient with noise on top, so
 * that a 640×480 picture is larger than one ATTACHMENT_CHUNK_BYTES piece.
 */
export function samplePng(width: number, height: number, seed = 1): Buffer {
  const next = noise(seed);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      row[1 + x * 3] = ((x * 255) / width + next()) & 0xff;
      row[2 + x * 3] = ((y * 255) / height + next()) & 0xff;
      row[3 + x * 3] = (seed * 60 + next()) & 0xff;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** A mono 16-bit PCM WAV of a 440 Hz tone. */
export function sampleWav(durationMs: number, sampleRate = 8000): Buffer {
  const samples = Math.round((sampleRate * durationMs) / 1000);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Not a valid PDF, only shaped like one: the UI treats it as an opaque file. */
export function samplePdf(pages: number): Buffer {
  const body = Array.from({ length: pages }, (_, i) => `${i + 1} 0 obj << /Type /Page >> endobj\n`).join('');
  return Buffer.from(`%PDF-1.4\n${body}%%EOF\n`, 'latin1');
}
