import { useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import { HearthError } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessageListStore } from '../../state/message-list-store';
import type { MessengerStore } from '../../state/messenger-store';
import { Icon } from '../Icon';
import { EmojiPicker } from './EmojiPicker';
import { useTypingSender } from './use-typing-sender';

/**
 * The message box: multi-line, Enter sends, Shift+Enter starts a new line,
 * the draft is kept per chat while the app is unlocked, and an emoji picker
 * inserts at the caret.
 */
export function Composer({ messenger, list, conversationId, contactName, heldReason, sendTyping }: { messenger: MessengerStore; list: MessageListStore; conversationId: string; contactName: string; heldReason: string | null; sendTyping: boolean }): ReactElement {
  const [text, setText] = useState(() => messenger.draft(conversationId));
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSender(messenger.client, conversationId, sendTyping);

  const change = (next: string) => {
    setText(next);
    messenger.setDraft(conversationId, next);
    typing.typed(next);
    if (error) setError(null);
  };

  const send = async () => {
    const body = text.trim();
    if (!body || heldReason) return;
    change('');
    typing.stop();
    try {
      await list.send(body);
    } catch (failure) {
      // Give the text back so nothing typed is lost.
      change(body);
      const problem = HearthError.from(failure);
      setError(problem.kind === 'untrusted-identity' ? t('composer.held', { name: contactName }) : problem.message);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing, Enter confirms the composition, not the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
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
      {error || heldReason ? (
        <p className="composer__error" role="alert">
          {error ?? heldReason}
        </p>
      ) : null}
      <div className="composer__row">
        <EmojiPicker onPick={insert} disabled={Boolean(heldReason)} />
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
          aria-describedby="composer-hint"
          onChange={(event) => change(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <span id="composer-hint" className="visually-hidden">
          {t('composer.hint')}
        </span>
        <button type="button" className="composer__send" aria-label={t('composer.send')} title={t('composer.send')} disabled={!text.trim() || Boolean(heldReason)} onClick={() => void send()}>
          <Icon name="send" />
        </button>
      </div>
    </div>
  );
}
