import { useEffect, useState, type ReactElement } from 'react';
import type { Attachment } from '../../../../shared/api';
import { t } from '../../i18n';
import { fileNameFor, formatFileSize } from '../../model/attachment-files';
import type { AttachmentBlobs } from '../../state/attachment-blobs';
import { Dialog } from '../common/Dialog';
import { AttachmentIcon } from './AttachmentIcon';
import { isReadable, useAttachmentUrl } from './use-attachment-url';
import './attachments.css';

/**
 * An image from the chat, full size, in a modal: Esc closes (focus goes back
 * to the image clicked), ← and → step through the chat's images, and Save
 * offers the file for download.
 */
export function ImageViewer({ images, index, blobs, onShow, onSave, onClose }: { images: readonly Attachment[]; index: number; blobs: AttachmentBlobs; onShow: (attachmentId: string) => void; onSave: (attachment: Attachment) => Promise<void>; onClose: () => void }): ReactElement {
  const image = images[index]!;
  const name = fileNameFor(image);
  const { url, error } = useAttachmentUrl(blobs, image);
  const [saveError, setSaveError] = useState<string | null>(null);
  const previous = index > 0 ? images[index - 1] : undefined;
  const next = images[index + 1];

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'ArrowLeft' && previous) onShow(previous.id);
      else if (event.key === 'ArrowRight' && next) onShow(next.id);
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [previous, next, onShow]);

  const save = () => {
    setSaveError(null);
    onSave(image).catch((failure: unknown) => setSaveError(failure instanceof Error ? failure.message : String(failure)));
  };

  const src = url ?? image.thumbnail;
  return (
    <Dialog title={name} onClose={onClose} className="image-viewer" describedBy="image-viewer-position">
      <figure className="image-viewer__figure">
        {src ? <img className="image-viewer__image" src={src} alt={name} width={image.width ?? undefined} height={image.height ?? undefined} data-full={url ? 'true' : 'false'} /> : null}
        <figcaption className="image-viewer__caption">
          <span id="image-viewer-position">{t('viewer.position', { n: index + 1, count: images.length })}</span>
          <span>{formatFileSize(image.size)}</span>
        </figcaption>
      </figure>
      {error || saveError || image.error ? (
        <p className="image-viewer__error" role="alert">
          {error ?? saveError ?? image.error}
        </p>
      ) : null}
      <div className="image-viewer__actions">
        <button type="button" className="button" disabled={!previous} onClick={() => previous && onShow(previous.id)} aria-label={t('viewer.previous')} title={t('viewer.previous')}>
          <AttachmentIcon name="chevronLeft" />
        </button>
        <button type="button" className="button button--primary" data-autofocus disabled={!isReadable(image)} onClick={save}>
          <AttachmentIcon name="download" />
          {t('attachment.save')}
        </button>
        <button type="button" className="button" disabled={!next} onClick={() => next && onShow(next.id)} aria-label={t('viewer.next')} title={t('viewer.next')}>
          <AttachmentIcon name="chevronRight" />
        </button>
      </div>
    </Dialog>
  );
}
