import { useEffect, useId, useRef, type KeyboardEvent, type ReactElement } from 'react';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import { EmojiPicker } from './EmojiPicker';
import type { ActionBarProps } from './MessageRow';

/** The reactions one tap away, as in Signal; the full grid is behind "More reactions". */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

/**
 * The bar beside a bubble: React, Reply and More (edit, delete, edit
 * history). It shows on hover and whenever focus is inside the message, so
 * every action is reachable from the keyboard; a right-click on the bubble
 * opens the same menu. Esc closes a panel and gives focus back.
 */
export function MessageActions({ message, abilities, handlers, open, onOpenChange, outgoing }: ActionBarProps): ReactElement | null {
  const reactButton = useRef<HTMLButtonElement>(null);
  const moreButton = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const pickerId = useId();
  const mine = message.reactions?.find((r) => r.reactorId === null)?.emoji ?? null;

  // Focus goes into a panel as it opens: the first quick reaction, or the first menu item.
  useEffect(() => {
    if (open === 'none') return;
    panel.current?.querySelector<HTMLElement>('button')?.focus();
    const onPointer = (event: PointerEvent) => {
      if (root.current && event.target instanceof Node && !root.current.contains(event.target)) onOpenChange('none');
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open, onOpenChange]);

  const close = () => {
    const back = open === 'react' ? reactButton.current : moreButton.current;
    onOpenChange('none');
    back?.focus();
  };

  const onPanelKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (step === undefined || !panel.current) return;
    // Only the panel's own items: the full emoji grid inside does its own arrow keys.
    const items = [...panel.current.querySelectorAll<HTMLElement>(':scope > button, :scope > .emoji-picker > button')];
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    event.preventDefault();
    items[(index + step + items.length) % items.length]?.focus();
  };

  const pick = (emoji: string) => {
    onOpenChange('none');
    // Picking the reaction you already gave takes it back, like clicking its chip.
    handlers.onReact(message, emoji === mine ? null : emoji);
  };
  const choose = (action: () => void) => {
    onOpenChange('none');
    action();
  };

  const menuItems: Array<{ key: string; label: string; icon: 'reply' | 'pencil' | 'trash' | 'clock'; run: () => void }> = [];
  if (abilities.reply) menuItems.push({ key: 'reply', label: t('actions.reply'), icon: 'reply', run: () => handlers.onReply(message) });
  if (abilities.edit) menuItems.push({ key: 'edit', label: t('actions.edit'), icon: 'pencil', run: () => handlers.onEdit(message) });
  if (abilities.history) menuItems.push({ key: 'history', label: t('actions.history'), icon: 'clock', run: () => handlers.onShowHistory(message) });
  menuItems.push({ key: 'delete', label: t('actions.delete'), icon: 'trash', run: () => handlers.onDelete(message) });

  return (
    <div ref={root} className={open === 'none' ? 'message-actions' : 'message-actions message-actions--open'} role="toolbar" aria-label={t('actions.label')}>
      {abilities.react ? (
        <button ref={reactButton} type="button" className="icon-button message-actions__button" aria-label={t('actions.react')} title={t('actions.react')} aria-expanded={open === 'react'} aria-controls={open === 'react' ? pickerId : undefined} onClick={() => onOpenChange(open === 'react' ? 'none' : 'react')}>
          <Icon name="smilePlus" />
        </button>
      ) : null}
      {abilities.reply ? (
        <button type="button" className="icon-button message-actions__button" aria-label={t('actions.reply')} title={t('actions.reply')} onClick={() => handlers.onReply(message)}>
          <Icon name="reply" />
        </button>
      ) : null}
      <button ref={moreButton} type="button" className="icon-button message-actions__button" aria-label={t('actions.more')} title={t('actions.more')} aria-haspopup="menu" aria-expanded={open === 'menu'} aria-controls={open === 'menu' ? menuId : undefined} onClick={() => onOpenChange(open === 'menu' ? 'none' : 'menu')}>
        <Icon name="more" />
      </button>
      {open === 'react' ? (
        <div ref={panel} id={pickerId} className={outgoing ? 'reaction-picker reaction-picker--end' : 'reaction-picker'} role="group" aria-label={t('actions.react')} onKeyDown={onPanelKey}>
          {QUICK_REACTIONS.map((emoji) => (
            <button key={emoji} type="button" className={emoji === mine ? 'reaction-picker__emoji reaction-picker__emoji--mine' : 'reaction-picker__emoji'} aria-pressed={emoji === mine} onClick={() => pick(emoji)}>
              {emoji}
            </button>
          ))}
          <EmojiPicker onPick={pick} label={t('actions.moreReactions')} icon="plus" align={outgoing ? 'end' : 'start'} />
        </div>
      ) : null}
      {open === 'menu' ? (
        <div ref={panel} id={menuId} className={outgoing ? 'action-menu action-menu--end' : 'action-menu'} role="menu" aria-label={t('actions.more')} onKeyDown={onPanelKey}>
          {menuItems.map((item) => (
            <button key={item.key} type="button" role="menuitem" className={item.key === 'delete' ? 'action-menu__item action-menu__item--danger' : 'action-menu__item'} onClick={() => choose(item.run)}>
              <Icon name={item.icon} />
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
