import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import { t } from '../../i18n';
import { Icon, type IconName } from '../Icon';

/** The emoji people reach for most, in the order most pickers show them. */
export const EMOJI: readonly string[] = [
  '😀', '😃', '😄', '😁', '😆', '😅', '😂', '🤣',
  '😊', '😇', '🙂', '🙃', '😉', '😌', '😍', '🥰',
  '😘', '😋', '😛', '😜', '🤪', '🤨', '🧐', '🤓',
  '😎', '🥳', '😏', '😒', '😞', '😔', '😟', '😕',
  '🙁', '😣', '😖', '😫', '😩', '🥺', '😢', '😭',
  '😤', '😠', '😡', '🤯', '😳', '😱', '😨', '🤔',
  '🤗', '🤭', '🤫', '😶', '😐', '😑', '😬', '🙄',
  '😴', '🤤', '😷', '🤒', '🤕', '🤢', '🤧', '🥶',
  '👍', '👎', '👌', '✌️', '🤞', '🤝', '👏', '🙌',
  '👋', '🙏', '💪', '👀', '❤️', '🧡', '💛', '💚',
  '💙', '💜', '🖤', '💔', '🔥', '✨', '🎉', '🎂',
  '☕', '🍕', '🍻', '🌞', '🌙', '⭐', '✅', '❌',
];
const COLUMNS = 8;

/**
 * A button that opens a grid of emoji; arrow keys move in two dimensions,
 * Enter picks, Esc closes and gives focus back to the button.
 */
export function EmojiPicker({ onPick, disabled, label = t('composer.emoji'), icon = 'smile', align = 'start' }: { onPick: (emoji: string) => void; disabled?: boolean; label?: string; icon?: IconName; align?: 'start' | 'end' }): ReactElement {
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState(0);
  const panelId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const cells = useRef<Array<HTMLButtonElement | null>>([]);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    cells.current[focus]?.focus();
    // Focus is set only on open and on arrow moves, not on every render.
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (root.current && event.target instanceof Node && !root.current.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLUMNS, ArrowDown: COLUMNS };
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = Math.min(EMOJI.length - 1, Math.max(0, focus + move));
    setFocus(next);
    cells.current[next]?.focus();
  };

  return (
    <div className={align === 'end' ? 'emoji-picker emoji-picker--end' : 'emoji-picker'} ref={root}>
      <button ref={toggle} type="button" className="icon-button" aria-label={label} title={label} aria-expanded={open} aria-controls={open ? panelId : undefined} disabled={disabled} onClick={() => setOpen(!open)}>
        <Icon name={icon} />
      </button>
      {open ? (
        <div id={panelId} className="emoji-picker__panel" role="group" aria-label={label} onKeyDown={onKeyDown}>
          {EMOJI.map((emoji, index) => (
            <button
              key={emoji}
              ref={(el) => {
                cells.current[index] = el;
              }}
              type="button"
              className="emoji-picker__cell"
              tabIndex={index === focus ? 0 : -1}
              onFocus={() => setFocus(index)}
              onClick={() => {
                onPick(emoji);
                setOpen(false);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
