import { useId, type ReactElement } from 'react';
import { t, type MessageKey } from '../../i18n';
import type { PassphraseStrength } from '../../model/passphrase-strength';
import './Form.css';

const scoreLabels: readonly MessageKey[] = ['passphrase.score.0', 'passphrase.score.1', 'passphrase.score.2', 'passphrase.score.3', 'passphrase.score.4'];

export interface NewPassphraseValue {
  passphrase: string;
  confirm: string;
}

/** Whether a new passphrase may be used: strong enough, and typed the same twice. */
export function newPassphraseReady(value: NewPassphraseValue, strength: PassphraseStrength | null): boolean {
  return strength !== null && strength.acceptable && value.passphrase === value.confirm;
}

/**
 * A new passphrase, typed twice, with a strength meter that refuses weak
 * ones and says why. The parent keeps the value and estimates the strength
 * (usePassphraseStrength), since it decides whether the form may submit.
 */
export function NewPassphraseFields({ value, onChange, strength, labelKey = 'passphrase.new' }: { value: NewPassphraseValue; onChange: (value: NewPassphraseValue) => void; strength: PassphraseStrength | null; labelKey?: MessageKey }): ReactElement {
  const id = useId();
  const mismatch = value.confirm.length > 0 && value.confirm !== value.passphrase;
  const feedbackId = `${id}-feedback`;
  return (
    <div className="form-stack">
      <div className="field">
        <label className="field__label" htmlFor={`${id}-new`}>
          {t(labelKey)}
        </label>
        <input
          id={`${id}-new`}
          className="field__input"
          type="password"
          autoComplete="new-password"
          value={value.passphrase}
          aria-describedby={feedbackId}
          aria-invalid={strength && !strength.acceptable ? true : undefined}
          onChange={(event) => onChange({ ...value, passphrase: event.target.value })}
        />
        <div className="strength" id={feedbackId}>
          <span className={`strength__bar strength__bar--${value.passphrase && strength ? strength.score : 'none'}`} aria-hidden="true">
            <span />
            <span />
            <span />
            <span />
          </span>
          <p className="strength__verdict" aria-live="polite">
            {value.passphrase === '' ? t('passphrase.hint') : strength ? `${t('passphrase.strength')}: ${t(scoreLabels[strength.score]!)}` : t('passphrase.checking')}
          </p>
          {strength && !strength.acceptable ? (
            <p className="field__error">
              {t('passphrase.tooWeak')}
              {strength.warning ? ` ${strength.warning}` : ''}
              {strength.suggestions.length ? ` ${strength.suggestions.join(' ')}` : ''}
            </p>
          ) : null}
        </div>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-confirm`}>
          {t('passphrase.confirm')}
        </label>
        <input
          id={`${id}-confirm`}
          className="field__input"
          type="password"
          autoComplete="new-password"
          value={value.confirm}
          aria-invalid={mismatch ? true : undefined}
          aria-describedby={mismatch ? `${id}-mismatch` : undefined}
          onChange={(event) => onChange({ ...value, confirm: event.target.value })}
        />
        {mismatch ? (
          <p className="field__error" id={`${id}-mismatch`}>
            {t('passphrase.mismatch')}
          </p>
        ) : null}
      </div>
    </div>
  );
}
