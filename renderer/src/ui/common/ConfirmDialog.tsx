import { useState, type ReactElement } from 'react';
import { HearthError } from '../../../../shared/api';
import { t } from '../../i18n';
import { Dialog } from './Dialog';
import { Icon } from '../Icon';
import './Form.css';

/**
 * "Are you sure?" for an action that cannot be undone: the question, what
 * happens, Cancel (focused first, the safe choice) and the action. The
 * dialog stays open with the error if the action fails.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose }: { title: string; body: string; confirmLabel: string; onConfirm: () => Promise<void>; onClose: () => void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} describedBy="confirm-body">
      <div className="form-stack">
        <p id="confirm-body" className="form-note">
          {body}
        </p>
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" />
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button button--secondary" data-autofocus onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
