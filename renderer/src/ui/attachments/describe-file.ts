import { MAX_THUMBNAIL_BYTES, type AttachmentDraft } from '../../../../shared/api';
import { base64FromBytes, fallbackFileName, isShownImageType, thumbnailSize } from '../../model/attachment-files';
import type { PickedFile } from '../../state/attachment-drafts-store';

/** JPEG qualities tried in turn until the thumbnail fits MAX_THUMBNAIL_BYTES; then the size halves. */
const THUMBNAIL_QUALITIES = [0.8, 0.6, 0.4];
/** A file whose metadata the browser cannot read within this long is sent without it. */
const METADATA_TIMEOUT_MS = 5_000;
const MAX_FILE_NAME = 255;

/**
 * What the core is told about a picked file (attachments.createDraft): its
 * name and type, and for images their size and a small JPEG thumbnail drawn
 * in a canvas, for audio its length. A file the browser cannot decode is
 * still sent, as a plain file.
 */
export async function describeFile(file: File, extra: PickedFile['extra']): Promise<AttachmentDraft> {
  const contentType = file.type || 'application/octet-stream';
  const draft: AttachmentDraft = { fileName: fileNameOf(file, contentType), contentType, size: file.size, ...extra };
  if (isShownImageType(contentType)) {
    try {
      const bitmap = await createImageBitmap(file);
      try {
        draft.width = bitmap.width;
        draft.height = bitmap.height;
        const thumbnail = await drawThumbnail(bitmap);
        if (thumbnail) draft.thumbnail = thumbnail;
      } finally {
        bitmap.close();
      }
    } catch {
      // Not an image the browser can decode: it goes as a file.
    }
  } else if (contentType.startsWith('audio/') && draft.durationMs === undefined) {
    const durationMs = await audioDurationMs(file);
    if (durationMs !== null) draft.durationMs = durationMs;
  }
  return draft;
}

function fileNameOf(file: File, contentType: string): string {
  const name = file.name.trim() || fallbackFileName(contentType, Date.now());
  if (name.length <= MAX_FILE_NAME) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return name.slice(0, MAX_FILE_NAME - extension.length) + extension;
}

async function drawThumbnail(bitmap: ImageBitmap): Promise<string | null> {
  for (let scale = 1; scale >= 0.25; scale /= 2) {
    const size = thumbnailSize(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(size.width * scale));
    canvas.height = Math.max(1, Math.round(size.height * scale));
    const context = canvas.getContext('2d');
    if (!context) return null;
    // JPEG has no transparency; a transparent PNG would otherwise turn black.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of THUMBNAIL_QUALITIES) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (blob && blob.size <= MAX_THUMBNAIL_BYTES) return base64FromBytes(new Uint8Array(await blob.arrayBuffer()));
    }
  }
  return null;
}

/** The length of an audio file as the browser reads it from its metadata, or null. */
function audioDurationMs(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const audio = new Audio();
    const done = (value: number | null) => {
      clearTimeout(timer);
      audio.removeAttribute('src');
      URL.revokeObjectURL(url);
      resolve(value);
    };
    const timer = setTimeout(() => done(null), METADATA_TIMEOUT_MS);
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) ? Math.round(audio.duration * 1000) : null);
    audio.onerror = () => done(null);
    audio.src = url;
  });
}
