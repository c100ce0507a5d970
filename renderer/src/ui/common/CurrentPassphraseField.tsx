import type { ReactElement } from 'react';
import { t } from '../../i18n';

/** A passphrase the person types to prove it is them (not a new one: no strength meter). */
export function CurrentPassphraseField({ id, value, onChange, label }: { id: string; value: string; onChange: (value: string) => void; label?: string }): ReactElement {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label ?? t('passphrase.current')}
      </label>
      <input id={id} className="field__input" type="password" autoComplete="current-password" value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

