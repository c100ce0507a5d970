import { useEffect, useRef, useState, type ReactElement } from 'react';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../../shared/api';
import { t } from '../../i18n';
import { formatFileSize, isShownImageType, type FileRefusal } from '../../model/attachment-files';
import type { AttachmentDraftsStore, PickedFile } from '../../state/attachment-drafts-store';
import { useStore } from '../../state/use-store';
import { AttachmentIcon } from './AttachmentIcon';
import './attachments.css';

/** The paperclip: a file picker for one or more files. */
export function AttachButton({ drafts, disabled }: { drafts: AttachmentDraftsStore; disabled: boolean }): ReactElement {
  const input = useRef<HTMLInputElement>(null);
  const { handOver } = useStore(drafts);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        aria-label={t('attachment.attach')}
        onChange={(event) => {
          drafts.add([...(event.target.files ?? [])]);
          // The same file picked again must fire change again.
          event.target.value = '';
        }}
      />
      <button type="button" className="icon-button composer__attach" aria-label={t('attachment.attach')} title={t('attachment.attach')} disabled={disabled || handOver !== null} onClick={() => input.current?.click()}>
        <AttachmentIcon name="paperclip" />
      </button>
    </>
  );
}

/** The files waiting to go with the next message, each removable, and why any were refused. */
export function PickedFiles({ drafts }: { drafts: AttachmentDraftsStore }): ReactElement | null {
  const { files, refusals, handOver } = useStore(drafts);
  if (files.length === 0 && refusals.length === 0) return null;
  return (
    <div className="picked-files">
      {refusals.length ? (
        <div className="picked-files__refusals" role="alert">
          {refusals.map((refusal, i) => (
            <p key={i}>{refusalText(refusal)}</p>
          ))}
          <button type="button" className="link-button" onClick={() => drafts.dismissRefusals()}>
            {t('attachment.dismiss')}
          </button>
        </div>
      ) : null}
      {files.length ? (
        <ul className="picked-files__list" aria-label={t('attachment.picked', { count: files.length })}>
          {files.map((picked) => (
            <PickedFileChip key={picked.key} picked={picked} disabled={handOver !== null} onRemove={() => drafts.remove(picked.key)} />
          ))}
        </ul>
      ) : null}
      {handOver ? (
        <div className="picked-files__progress">
          <progress max={Math.max(1, handOver.total)} value={handOver.sent} aria-label={t('attachment.handingOver')} />
          <span>{t('attachment.handedOver', { sent: formatFileSize(handOver.sent), total: formatFileSize(handOver.total) })}</span>
        </div>
      ) : null}
    </div>
  );
}

function PickedFileChip({ picked, disabled, onRemove }: { picked: PickedFile; disabled: boolean; onRemove: () => void }): ReactElement {
  const preview = useObjectUrl(isShownImageType(picked.file.type) ? picked.file : null);
  const name = picked.file.name;
  return (
    <li className="picked-file" data-testid="picked-file">
      {preview ? <img className="picked-file__thumb" src={preview} alt="" /> : <AttachmentIcon name={picked.extra.voiceNote ? 'mic' : 'file'} className="picked-file__icon" />}
      <span className="picked-file__text">
        <span className="picked-file__name">{picked.extra.voiceNote ? t('attachment.voiceNote') : name}</span>
        <span className="picked-file__size">{formatFileSize(picked.file.size)}</span>
      </span>
      <button type="button" className="icon-button picked-file__remove" aria-label={t('attachment.remove', { name })} title={t('attachment.remove', { name })} disabled={disabled} onClick={onRemove}>
        <AttachmentIcon name="cross" />
      </button>
    </li>
  );
}

/** An object URL for a local file while the chip shows it. */
function useObjectUrl(file: File | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file) return;
    const created = URL.createObjectURL(file);
    setUrl(created);
    return () => {
      URL.revokeObjectURL(created);
      setUrl(null);
    };
  }, [file]);
  return url;
}

function refusalText(refusal: FileRefusal): string {
  if (refusal.kind === 'too-large') return t('attachment.tooLarge', { name: refusal.name, max: formatFileSize(MAX_ATTACHMENT_BYTES) });
  if (refusal.kind === 'empty') return t('attachment.empty', { name: refusal.name });
  return t('attachment.tooMany', { max: MAX_ATTACHMENTS_PER_MESSAGE });
}

/** Shown over the chat while files are dragged onto it. */
export function DropZone(): ReactElement {
  return (
    <div className="drop-zone" data-testid="drop-zone">
      <div className="drop-zone__inner">
        <AttachmentIcon name="upload" />
        <span>{t('attachment.dropHere')}</span>
      </div>
    </div>
  );
}
