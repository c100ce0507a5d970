import { useState, type ReactElement } from 'react';
import type { Attachment } from '../../../../shared/api';
import { t } from '../../i18n';
import { BUBBLE_IMAGE_SIDE, fileNameFor, formatDuration, formatFileSize, lookOf, thumbnailSize } from '../../model/attachment-files';
import { AttachmentIcon } from './AttachmentIcon';
import { useAttachmentActions } from './attachment-actions';
import { isReadable, useAttachmentUrl } from './use-attachment-url';
import './attachments.css';

/** A message's files, images and voice notes, in the order they were attached. */
export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }): ReactElement {
  return (
    <ul className="message-attachments" aria-label={t('attachment.list', { count: attachments.length })}>
      {attachments.map((attachment) => (
        <li key={attachment.id} className={`message-attachment message-attachment--${lookOf(attachment)}`} data-state={attachment.state}>
          {lookOf(attachment) === 'image' ? <ImageAttachment attachment={attachment} /> : lookOf(attachment) === 'audio' ? <AudioAttachment attachment={attachment} /> : <FileCard attachment={attachment} />}
          <TransferStatus attachment={attachment} />
        </li>
      ))}
    </ul>
  );
}

/** The thumbnail at once, the full image once it is in the vault; a click opens the viewer. */
function ImageAttachment({ attachment }: { attachment: Attachment }): ReactElement {
  const actions = useAttachmentActions();
  const { url } = useAttachmentUrl(actions?.blobs ?? null, attachment);
  const name = fileNameFor(attachment);
  const size = attachment.width && attachment.height ? thumbnailSize(attachment.width, attachment.height, BUBBLE_IMAGE_SIDE) : null;
  const src = url ?? attachment.thumbnail;
  const picture = src ? (
    <img className="message-attachment__image" src={src} alt={name} width={size?.width} height={size?.height} data-full={url ? 'true' : 'false'} />
  ) : (
    <span className="message-attachment__placeholder">
      <AttachmentIcon name="file" />
      {name}
    </span>
  );
  if (!actions) return picture;
  return (
    <button type="button" className="message-attachment__open" aria-label={t('attachment.open', { name })} onClick={() => actions.view(attachment.id)}>
      {picture}
    </button>
  );
}

/** A voice note or audio file, played from the vault through a Blob URL. */
function AudioAttachment({ attachment }: { attachment: Attachment }): ReactElement {
  const actions = useAttachmentActions();
  const { url, error } = useAttachmentUrl(actions?.blobs ?? null, attachment);
  const label = attachment.voiceNote ? t('attachment.voiceNote') : fileNameFor(attachment);
  return (
    <div className="message-attachment__audio">
      <span className="message-attachment__name">
        <AttachmentIcon name={attachment.voiceNote ? 'mic' : 'music'} />
        {label}
        {attachment.durationMs !== null ? <span className="message-attachment__detail">{formatDuration(attachment.durationMs)}</span> : null}
      </span>
      {url ? <audio className="message-attachment__player" controls preload="metadata" src={url} aria-label={t('attachment.play', { name: label })} /> : null}
      {error ? <span className="message-attachment__error">{error}</span> : null}
      {attachment.voiceNote ? null : <SaveButton attachment={attachment} />}
    </div>
  );
}

function FileCard({ attachment }: { attachment: Attachment }): ReactElement {
  const name = fileNameFor(attachment);
  return (
    <div className="message-attachment__card" data-testid="file-card">
      <AttachmentIcon name="file" className="message-attachment__card-icon" />
      <span className="message-attachment__card-text">
        <span className="message-attachment__name">{name}</span>
        <span className="message-attachment__detail">{formatFileSize(attachment.size)}</span>
      </span>
      <SaveButton attachment={attachment} />
    </div>
  );
}

function SaveButton({ attachment }: { attachment: Attachment }): ReactElement | null {
  const actions = useAttachmentActions();
  const [error, setError] = useState<string | null>(null);
  if (!actions) return null;
  const name = fileNameFor(attachment);
  return (
    <>
      <button
        type="button"
        className="button button--small button--secondary message-attachment__save"
        disabled={!isReadable(attachment)}
        aria-label={t('attachment.saveNamed', { name })}
        // Reading starts as the pointer or focus arrives, so the click usually finds the file ready.
        onPointerEnter={() => void (isReadable(attachment) && actions.blobs.get(attachment).catch(() => undefined))}
        onFocus={() => void (isReadable(attachment) && actions.blobs.get(attachment).catch(() => undefined))}
        onClick={() => {
          setError(null);
          actions.save(attachment).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
        }}
      >
        <AttachmentIcon name="download" />
        {t('attachment.saveAs')}
      </button>
      {error ? (
        <span className="message-attachment__error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** Progress while the file moves, or why it failed and a way to try again. */
function TransferStatus({ attachment }: { attachment: Attachment }): ReactElement | null {
  const actions = useAttachmentActions();
  const [retryError, setRetryError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const name = fileNameFor(attachment);
  if (attachment.state === 'uploading' || attachment.state === 'downloading') {
    const label = t(attachment.state === 'uploading' ? 'attachment.uploading' : 'attachment.downloading', { name });
    const done = `${formatFileSize(attachment.transferred)} / ${formatFileSize(attachment.size)}`;
    return (
      <span className="message-attachment__transfer">
        <progress className="message-attachment__progress" max={Math.max(1, attachment.size)} value={Math.min(attachment.transferred, attachment.size)} aria-label={label} />
        <span className="message-attachment__detail">{done}</span>
      </span>
    );
  }
  if (attachment.state !== 'failed') return null;
  return (
    <span className="message-attachment__failed">
      <span className="message-attachment__error">{attachment.error ?? retryError ?? t('attachment.failed')}</span>
      {actions ? (
        <button
          type="button"
          className="link-button message-attachment__retry"
          disabled={retrying}
          aria-label={t('attachment.retryNamed', { name })}
          onClick={() => {
            setRetrying(true);
            setRetryError(null);
            actions
              .retry(attachment.id)
              .catch((failure: unknown) => setRetryError(failure instanceof Error ? failure.message : String(failure)))
              .finally(() => setRetrying(false));
          }}
        >
          {t('attachment.retry')}
        </button>
      ) : null}
      {retryError && attachment.error ? <span className="message-attachment__error">{retryError}</span> : null}
    </span>
  );
}
