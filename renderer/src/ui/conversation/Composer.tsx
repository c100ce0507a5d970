import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent, type ReactElement } from 'react';
import { HearthError, type Message } from '../../../../shared/api';
import { t } from '../../i18n';
import type { AttachmentDraftsStore } from '../../state/attachment-drafts-store';
import type { MessageListStore } from '../../state/message-list-store';
import { useStore } from '../../state/use-store';
import { messageSummary } from '../../model/attachment-summary';
import { describeFile } from '../attachments/describe-file';
import { AttachButton, PickedFiles } from '../attachments/PickedFiles';
import { filesFromPaste } from '../attachments/use-file-drop';
import { VoiceRecorder } from '../attachments/VoiceRecorder';
import type { MessengerStore } from '../../state/messenger-store';
import { excerptOf } from '../../model/message-actions';
import { Icon } from '../Icon';
import { EmojiPicker } from './EmojiPicker';
import { useTypingSender } from './use-typing-sender';

/** The composer is replying to a message (a quote preview above it), or editing one of yours. */
export type ComposerMode = { readonly kind: 'reply'; readonly message: Message; readonly authorName: string } | { readonly kind: 'edit'; readonly message: Message };

/**
 * The message box: multi-line, Enter sends, Shift+Enter starts a new line,
 * the draft is kept per chat while the app is unlocked, and an emoji picker
 * inserts at the caret. In reply mode a quote preview sits above it; in edit
 * mode it holds the message's text and Enter saves. Esc leaves either mode;
 * Up in an empty box edits your last message, as in Signal. Files (picked,
 * dropped on the chat or pasted) wait above it and go with the text as
 * their caption.
 */
export function Composer({
  messenger,
  list,
  drafts,
  conversationId,
  contactName,
  heldReason,
  sendTyping,
  mode = null,
  onModeChange,
  onEditLast,
}: {
  messenger: MessengerStore;
  list: MessageListStore;
  drafts: AttachmentDraftsStore;
  conversationId: string;
  contactName: string;
  heldReason: string | null;
  sendTyping: boolean;
  mode?: ComposerMode | null;
  onModeChange?: (mode: ComposerMode | null) => void;
  /** Puts your last editable message into edit mode; false when there is none. */
  onEditLast?: () => boolean;
}): ReactElement {
  const [text, setText] = useState(() => messenger.draft(conversationId));
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSender(messenger.client, conversationId, sendTyping);
  const editing = mode?.kind === 'edit' ? mode.message : null;

  // Editing borrows the box: the draft is put aside and comes back when the edit ends.
  const putAside = useRef<string | null>(null);
  useEffect(() => {
    if (editing) {
      if (putAside.current === null) putAside.current = box.current?.value ?? '';
      setText(editing.body ?? '');
    } else if (putAside.current !== null) {
      setText(putAside.current);
      putAside.current = null;
    }
    if (mode) box.current?.focus();
  }, [editing, mode]);

  const leaveMode = () => onModeChange?.(null);

  const saveEdit = async (message: Message) => {
    const body = text.trim();
    if (!body) return;
    if (body === message.body) {
      leaveMode();
      return;
    }
    try {
      await list.edit(message.id, body);
      leaveMode();
    } catch (failure) {
      setError(HearthError.from(failure).message);
    }
  };
  const picked = useStore(drafts);
  const hasFiles = picked.files.length > 0;

  const change = (next: string) => {
    setText(next);
    if (error) setError(null);
    if (editing) return;
    messenger.setDraft(conversationId, next);
    typing.typed(next);
  };

  const send = async () => {
    if (editing) {
      await saveEdit(editing);
      return;
    }
    const body = text.trim();
    if ((!body && !hasFiles) || heldReason || picked.handOver) return;
    const replyTo = mode?.kind === 'reply' ? mode.message.id : undefined;
    change('');
    typing.stop();
    leaveMode();
    try {
      if (hasFiles) await drafts.sendWith(describeFile, (attachments) => list.send(body, { replyTo, attachments }));
      else await list.send(body, { replyTo });
    } catch (failure) {
      // Give the text (and the quote) back so nothing typed is lost.
      change(body);
      if (mode?.kind === 'reply') onModeChange?.(mode);
      const problem = HearthError.from(failure);
      setError(problem.kind === 'untrusted-identity' ? t('composer.held', { name: contactName }) : problem.message);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing, Enter confirms the composition, not the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape' && mode) {
      event.preventDefault();
      event.stopPropagation();
      leaveMode();
    } else if (event.key === 'ArrowUp' && !text && !mode && onEditLast?.()) {
      event.preventDefault();
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = filesFromPaste(event.clipboardData);
    if (!files || heldReason || editing) return;
    event.preventDefault();
    drafts.add(files);
  };

  const insert = (emoji: string) => {
    const el = box.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    change(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  return (
    <div className="composer">
      {mode ? (
        <div className="composer__mode" data-testid="composer-mode">
          <Icon name={mode.kind === 'reply' ? 'reply' : 'pencil'} />
          <div className="composer__mode-text">
            <span className="composer__mode-title">{mode.kind === 'reply' ? t('reply.to', { name: mode.authorName }) : t('edit.editing')}</span>
            <span className="composer__mode-excerpt">{excerptOf(messageSummary(mode.message))}</span>
          </div>
          <button type="button" className="icon-button" aria-label={mode.kind === 'reply' ? t('reply.cancel') : t('edit.cancel')} title={mode.kind === 'reply' ? t('reply.cancel') : t('edit.cancel')} onClick={() => { leaveMode(); box.current?.focus(); }}>
            <Icon name="cross" />
          </button>
        </div>
      ) : null}
      {error || heldReason ? (
        <p className="composer__error" role="alert">
          {error ?? heldReason}
        </p>
      ) : null}
      <PickedFiles drafts={drafts} />
      <div className="composer__row">
        <EmojiPicker onPick={insert} disabled={Boolean(heldReason)} />
        <AttachButton drafts={drafts} disabled={Boolean(heldReason) || editing !== null} />
        <VoiceRecorder drafts={drafts} disabled={Boolean(heldReason) || editing !== null} onError={setError} />
        <label htmlFor="composer-input" className="visually-hidden">
          {t('composer.label', { name: contactName })}
        </label>
        <textarea
          ref={box}
          id="composer-input"
          className="composer__input"
          rows={1}
          placeholder={t('composer.placeholder')}
          value={text}
          disabled={Boolean(heldReason)}
          aria-describedby={editing ? 'composer-hint composer-edit-hint' : 'composer-hint'}
          onChange={(event) => change(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <span id="composer-hint" className="visually-hidden">
          {t('composer.hint')}
        </span>
        {editing ? (
          <span id="composer-edit-hint" className="visually-hidden">
            {t('edit.hint')}
          </span>
        ) : null}
        <button type="button" className="composer__send" aria-label={editing ? t('edit.save') : t('composer.send')} title={editing ? t('edit.save') : t('composer.send')} disabled={(!text.trim() && !(hasFiles && !editing)) || Boolean(heldReason) || picked.handOver !== null} onClick={() => void send()}>
          <Icon name={editing ? 'check' : 'send'} />
        </button>
      </div>
    </div>
  );
}
