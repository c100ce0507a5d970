import { useEffect, useState } from 'react';
import type { Attachment } from '../../../../shared/api';
import type { AttachmentBlobs } from '../../state/attachment-blobs';

/** Whether the vault has the whole file: theirs once downloaded, ours from the moment it was sent (while it uploads). */
export function isReadable(attachment: Pick<Attachment, 'state'>): boolean {
  return attachment.state === 'ready' || attachment.state === 'uploading';
}

/**
 * An object URL for a readable attachment's file while the component is
 * mounted (revoked on unmount or when the attachment changes), or the error
 * reading it. Null until it is read, and for attachments not ready yet.
 */
export function useAttachmentUrl(blobs: AttachmentBlobs | null, attachment: Attachment, enabled = true): { url: string | null; error: string | null } {
  const [result, setResult] = useState<{ id: string; url: string | null; error: string | null }>({ id: attachment.id, url: null, error: null });
  const ready = enabled && blobs !== null && isReadable(attachment);

  useEffect(() => {
    if (!ready || !blobs) return;
    let url: string | null = null;
    let live = true;
    blobs.get(attachment).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setResult({ id: attachment.id, url, error: null });
      },
      (error: unknown) => {
        if (live) setResult({ id: attachment.id, url: null, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
      setResult({ id: attachment.id, url: null, error: null });
    };
    // A new read only when a different file becomes ready, not on every progress update.
  }, [ready, blobs, attachment.id]); // eslint-disable-line react-hooks/exhaustive-deps

  return result.id === attachment.id ? { url: result.url, error: result.error } : { url: null, error: null };
}
