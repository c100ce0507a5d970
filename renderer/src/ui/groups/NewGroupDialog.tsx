import { useState, type FormEvent, type ReactElement } from 'react';
import { HearthError } from '../../../../shared/api';
import { t } from '../../i18n';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Dialog } from '../common/Dialog';
import { Icon } from '../Icon';
import { ContactPicker } from './ContactPicker';
import '../common/Form.css';

/** New group: a name and the contacts in it; the group opens once it is made. */
export function NewGroupDialog({ messenger, onClose }: { messenger: MessengerStore; onClose: () => void }): ReactElement {
  const { contacts } = useStore(messenger);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const choices = [...contacts.values()].filter((c) => !c.blocked).sort((a, b) => (a.displayName ?? a.username).localeCompare(b.displayName ?? b.username));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!name.trim()) return setError(t('group.nameRequired'));
    if (selected.size === 0) return setError(t('group.pickSomeone'));
    setBusy(true);
    setError(null);
    try {
      await messenger.createGroup(name.trim(), [...selected]);
      onClose();
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('group.new')} onClose={onClose} className="dialog--wide">
      <form className="form-stack" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label className="field__label" htmlFor="new-group-name">
            {t('group.name')}
          </label>
          <input id="new-group-name" className="field__input" data-autofocus autoComplete="off" maxLength={64} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <ContactPicker contacts={choices} selected={selected} onChange={setSelected} />
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" />
            {error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? t('group.creating') : t('group.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
