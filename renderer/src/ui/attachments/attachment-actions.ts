import { createContext, useContext } from 'react';
import type { Attachment } from '../../../../shared/api';
import type { AttachmentBlobs } from '../../state/attachment-blobs';

/** What an attachment in a message row can do; null where rows are drawn without a live chat. */
export interface AttachmentActions {
  readonly blobs: AttachmentBlobs;
  /** Opens the image viewer on this attachment. */
  view(attachmentId: string): void;
  /** attachments.retry; rejects with the core's error. */
  retry(attachmentId: string): Promise<void>;
  /** Reads the file and offers it for download ("save as"). */
  save(attachment: Attachment): Promise<void>;
}

export const AttachmentsContext = createContext<AttachmentActions | null>(null);

export function useAttachmentActions(): AttachmentActions | null {
  return useContext(AttachmentsContext);
}
