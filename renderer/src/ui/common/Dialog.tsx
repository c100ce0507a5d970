import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import './Dialog.css';

/**
 * A modal on the native <dialog>: the browser traps focus, makes the rest of
 * the page inert and closes it on Esc; focus returns to where it was. The
 * element marked data-autofocus gets focus on open.
 */
export function Dialog({ title, onClose, children, className, describedBy }: { title: string; onClose: () => void; children: ReactNode; className?: string; describedBy?: string }): ReactElement {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element (the close button); the dialog's own first field is more useful.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      returnTo?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={className ? `dialog ${className}` : 'dialog'} aria-labelledby="dialog-title" aria-describedby={describedBy}>
      <header className="dialog__header">
        <h2 id="dialog-title" className="dialog__title">
          {title}
        </h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} title={t('common.close')} onClick={() => close.current()}>
          <Icon name="cross" />
        </button>
      </header>
      <div className="dialog__body">{children}</div>
    </dialog>
  );
}
