import { useState, type ReactElement } from 'react';
import { HearthError } from '../../../../shared/api';
import { t } from '../../i18n';
import { Dialog } from './Dialog';
import { Icon } from '../Icon';
import './Form.css';

/** One of a ConfirmDialog's actions: its button label and what it does. */
export interface ConfirmAction {
  readonly label: string;
  readonly run: () => Promise<void>;
}

/**
 * "Are you sure?" for an action that cannot be undone: the question, what
 * happens, Cancel (focused first, the safe choice) and the action (or a
 * choice of actions, e.g. delete for me / for everyone). The dialog stays
 * open with the error if the action fails.
 */
export function ConfirmDialog({ title, body, actions, onClose }: { title: string; body: string; actions: readonly ConfirmAction[]; onClose: () => void }): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async (action: ConfirmAction) => {
    setBusy(true);
    setError(null);
    try {
      await action.run();
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
        <div className={actions.length > 1 ? 'form-actions form-actions--wrap' : 'form-actions'}>
          <button type="button" className="button button--secondary" data-autofocus onClick={onClose}>
            {t('common.cancel')}
          </button>
          {actions.map((action) => (
            <button key={action.label} type="button" className="button button--danger" disabled={busy} onClick={() => void confirm(action)}>
              {action.label}
            </button>
          ))}
        </div>
      </div>
    </Dialog>
  );
}
