import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, type Attachment } from '../../../shared/api';

/*
 * What the attachment UI decides without the DOM: which files may be
 * attached, how an attachment is shown, sizes in words, and base64 without
 * Node's Buffer (this runs in the page).
 */

/** Longest side of an image thumbnail, in CSS pixels (Signal uses a similar size). */
export const THUMBNAIL_MAX_SIDE = 320;

/** Image types every Chromium draws in an <img>; other images are shown as file cards. */
const SHOWN_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export type AttachmentLook = 'image' | 'audio' | 'file';

export function lookOf(attachment: Pick<Attachment, 'contentType' | 'voiceNote'>): AttachmentLook {
  const type = attachment.contentType.toLowerCase().split(';')[0]!.trim();
  if (SHOWN_IMAGE_TYPES.has(type)) return 'image';
  if (attachment.voiceNote || type.startsWith('audio/')) return 'audio';
  return 'file';
}

export function isShownImageType(contentType: string): boolean {
  return lookOf({ contentType, voiceNote: false }) === 'image';
}

/** A size as people read it: "900 B", "12.3 KB", "4.5 MB" (powers of 1024, as file managers show). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A duration as a player shows it: "0:07", "12:34", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The name to show and save under; a file that came without one gets "attachment.<type>". */
export function fileNameFor(attachment: Pick<Attachment, 'fileName' | 'contentType'>): string {
  return attachment.fileName ?? `attachment.${/^[a-z]+\/([a-z0-9]+)/.exec(attachment.contentType.toLowerCase())?.[1] ?? 'bin'}`;
}

/** Why a file cannot be attached, before anything is handed to the core. */
export type FileRefusal = { readonly kind: 'too-large'; readonly name: string } | { readonly kind: 'empty'; readonly name: string } | { readonly kind: 'too-many' };

/**
 * Splits picked files into those that fit and the reasons for the others:
 * each file at most MAX_ATTACHMENT_BYTES and not empty, and at most
 * MAX_ATTACHMENTS_PER_MESSAGE in all (counting those already attached).
 */
export function admitFiles<F extends { readonly name: string; readonly size: number }>(already: number, files: readonly F[]): { admitted: F[]; refusals: FileRefusal[] } {
  const admitted: F[] = [];
  const refusals: FileRefusal[] = [];
  for (const file of files) {
    if (file.size > MAX_ATTACHMENT_BYTES) refusals.push({ kind: 'too-large', name: file.name });
    else if (file.size === 0) refusals.push({ kind: 'empty', name: file.name });
    else if (already + admitted.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
      if (!refusals.some((r) => r.kind === 'too-many')) refusals.push({ kind: 'too-many' });
    } else admitted.push(file);
  }
  return { admitted, refusals };
}

/** The size to draw a thumbnail at: the image scaled down (never up) so its longer side is at most `max`. */
export function thumbnailSize(width: number, height: number, max = THUMBNAIL_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Longest side an image takes in a message bubble, in CSS pixels. */
export const BUBBLE_IMAGE_SIDE = 280;

/** A first guess at the height a message's attachments take, before the list measures the row. */
export function estimateAttachmentsHeight(attachments: readonly Attachment[]): number {
  let height = 0;
  for (const attachment of attachments) {
    const look = lookOf(attachment);
    if (look === 'image') height += attachment.width && attachment.height ? thumbnailSize(attachment.width, attachment.height, BUBBLE_IMAGE_SIDE).height : 40;
    else height += look === 'audio' ? 72 : 56;
    if (attachment.state !== 'ready') height += 22;
    height += 6;
  }
  return height;
}

/** A file name for a file that came without one (a pasted screenshot, a recording). */
export function fallbackFileName(contentType: string, now: number, stem = 'file'): string {
  const extension = /^[a-z]+\/([a-z0-9]+)/.exec(contentType.toLowerCase())?.[1] ?? 'bin';
  const stamp = new Date(now).toISOString().replace(/[:T]/g, '-').slice(0, 19);
  return `${stem}-${stamp}.${extension === 'jpeg' ? 'jpg' : extension}`;
}

/** Bytes per String.fromCharCode call: well under engines' argument limits. */
const CHAR_CODE_BATCH = 0x8000;

/** Base64 through the platform's btoa (native in the page, far faster than a loop in script). */
export function base64FromBytes(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHAR_CODE_BATCH) binary += String.fromCharCode(...bytes.subarray(i, i + CHAR_CODE_BATCH));
  return btoa(binary);
}

/** Bytes from base64; throws on anything that is not base64. */
export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes a data: URL's base64 payload stands for (thumbnails are checked against MAX_THUMBNAIL_BYTES). */
export function base64ByteLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
