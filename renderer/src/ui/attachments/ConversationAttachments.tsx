import { useCallback, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { HearthError, type Attachment, type HearthClient } from '../../../../shared/api';
import { fileNameFor, lookOf } from '../../model/attachment-files';
import { AttachmentBlobs } from '../../state/attachment-blobs';
import type { MessageListStore } from '../../state/message-list-store';
import { useStore } from '../../state/use-store';
import { AttachmentsContext, type AttachmentActions } from './attachment-actions';
import { ImageViewer } from './ImageViewer';
import { saveBlob } from './save-file';

/**
 * Gives one open chat's message rows their attachment actions, and hosts
 * the image viewer, which steps through the chat's loaded images in order.
 */
export function ConversationAttachments({ client, list, children }: { client: HearthClient; list: MessageListStore; children: ReactNode }): ReactElement {
  const [blobs] = useState(() => new AttachmentBlobs(client));
  const [viewing, setViewing] = useState<string | null>(null);
  const { messages } = useStore(list);
  const images = useMemo(() => messages.flatMap((m) => (m.deleted ? [] : (m.attachments ?? []).filter((a) => lookOf(a) === 'image'))), [messages]);

  // Files of messages that disappear or are deleted leave the page with them.
  useEffect(() => {
    const stops = [
      client.on('messages.onDidRemove', ({ conversationId }) => {
        if (conversationId === list.conversationId) blobs.clear();
      }),
      client.on('messages.onDidUpdate', ({ message }) => {
        if (message.conversationId === list.conversationId && message.deleted) blobs.clear();
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [client, list, blobs]);

  const save = useCallback(
    async (attachment: Attachment) => {
      // Already read (an image on screen, a card hovered): the download starts within the click itself.
      saveBlob(blobs.peek(attachment.id) ?? (await blobs.get(attachment)), fileNameFor(attachment));
    },
    [blobs],
  );
  const retry = useCallback(
    async (attachmentId: string) => {
      blobs.forget(attachmentId);
      try {
        await client.call('attachments.retry', { attachmentId });
      } catch (error) {
        throw new Error(HearthError.from(error).message);
      }
    },
    [blobs, client],
  );
  const actions = useMemo<AttachmentActions>(() => ({ blobs, view: setViewing, retry, save }), [blobs, retry, save]);
  const index = viewing ? images.findIndex((a) => a.id === viewing) : -1;

  return (
    <AttachmentsContext value={actions}>
      {children}
      {index >= 0 ? <ImageViewer images={images} index={index} blobs={blobs} onShow={setViewing} onSave={save} onClose={() => setViewing(null)} /> : null}
    </AttachmentsContext>
  );
}
