import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { HearthError, type UnlockWith, type VaultProtection } from '../../../../shared/api';
import { t } from '../../i18n';
import { unlockDelayMs } from '../../model/unlock-backoff';
import type { AppStore } from '../../state/app-store';
import { Icon } from '../Icon';
import '../common/Form.css';
import '../onboarding/Onboarding.css';

type Method = 'primary' | 'recovery' | 'keyfile';

/**
 * The lock screen. A wrong passphrase says so, and after a couple of misses
 * each further try waits longer (model/unlock-backoff). The recovery key, and
 * for scripted profiles a raw key file, are the other ways in.
 */
export function UnlockScreen({ store, protection }: { store: AppStore; protection: VaultProtection['kind'] }): ReactElement {
  const [method, setMethod] = useState<Method>(protection === 'keyfile' ? 'keyfile' : 'primary');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  /** The way in that found the history damaged, kept (in memory, until the method changes) to open what is intact with it. */
  const [damagedWith, setDamagedWith] = useState<UnlockWith | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const now = useNow(waitUntil);
  const input = useRef<HTMLInputElement>(null);
  const waiting = Math.max(0, Math.ceil((waitUntil - now) / 1000));

  useEffect(() => input.current?.focus(), [method]);

  const unlockWith = (): UnlockWith | null => {
    if (method === 'primary') return protection === 'keychain' ? { kind: 'keychain' } : secret ? { kind: 'passphrase', passphrase: secret } : null;
    if (!secret.trim()) return null;
    return method === 'recovery' ? { kind: 'recovery', recoveryKey: secret.trim() } : { kind: 'keyfile', path: secret.trim() };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const how = unlockWith();
    if (!how || busy || waiting > 0) return;
    setBusy(true);
    setError(null);
    try {
      await store.unlock(how);
    } catch (failure) {
      const problem = HearthError.from(failure);
      setDamagedWith(problem.kind === 'damaged' ? how : null);
      const wrong = problem.kind === 'unauthorized';
      const count = wrong ? failures + 1 : failures;
      setFailures(count);
      setError(wrong ? t(method === 'primary' ? 'unlock.wrongPassphrase' : method === 'recovery' ? 'unlock.wrongRecoveryKey' : 'unlock.wrongKeyFile') : problem.message);
      const delay = wrong ? unlockDelayMs(count) : 0;
      if (delay > 0) setWaitUntil(Date.now() + delay);
      setSecret('');
      setBusy(false);
      input.current?.focus();
    }
  };

  const salvage = async () => {
    if (!damagedWith || busy) return;
    setBusy(true);
    try {
      await store.salvage(damagedWith);
    } catch (failure) {
      setError(HearthError.from(failure).message);
      setDamagedWith(null);
      setBusy(false);
    }
  };

  const switchTo = (next: Method) => {
    setMethod(next);
    setSecret('');
    setError(null);
    setDamagedWith(null);
  };

  const needsSecret = !(method === 'primary' && protection === 'keychain');
  const label = method === 'recovery' ? t('unlock.recoveryKey') : method === 'keyfile' ? t('unlock.keyFile') : t('unlock.passphrase');

  return (
    <main className="onboarding" aria-labelledby="unlock-title">
      <div className="onboarding__card">
        <div className="onboarding__logo">
          <Icon name="lock" />
        </div>
        <form className="form-stack" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy || undefined}>
          <h1 id="unlock-title" className="onboarding__title">
            {t('unlock.title')}
          </h1>
          <p className="onboarding__lead">{t('unlock.lead')}</p>
          {needsSecret ? (
            <div className="field">
              <label className="field__label" htmlFor="unlock-secret">
                {label}
              </label>
              <input
                ref={input}
                id="unlock-secret"
                className={method === 'primary' ? 'field__input' : 'field__input field__input--mono'}
                type={method === 'primary' ? 'password' : 'text'}
                autoComplete={method === 'primary' ? 'current-password' : 'off'}
                spellCheck={false}
                value={secret}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'unlock-error' : undefined}
                onChange={(event) => {
                  setSecret(event.target.value);
                  setDamagedWith(null);
                }}
              />
            </div>
          ) : null}
          {error ? (
            <p className="form-error" role="alert" id="unlock-error">
              <Icon name="alert" />
              <span>
                {error}
                {waiting > 0 ? ` ${t('unlock.wait', { seconds: waiting })}` : ''}
              </span>
            </p>
          ) : null}
          {damagedWith ? (
            <>
              <p>{t('unlock.damaged.explain')}</p>
              <button type="button" className="button" disabled={busy} onClick={() => void salvage()}>
                {busy ? t('unlock.damaged.salvaging') : t('unlock.damaged.salvage')}
              </button>
            </>
          ) : null}
          <button type="submit" className="button button--primary" disabled={busy || waiting > 0 || (needsSecret && !secret)}>
            {busy ? t('unlock.unlocking') : t('unlock.submit')}
          </button>
          <div className="onboarding__alternatives">
            {method !== 'primary' && protection !== 'keyfile' ? (
              <button type="button" className="link-button" onClick={() => switchTo('primary')}>
                {protection === 'keychain' ? t('unlock.useKeychain') : t('unlock.usePassphrase')}
              </button>
            ) : null}
            {method !== 'recovery' ? (
              <button type="button" className="link-button" onClick={() => switchTo('recovery')}>
                {t('unlock.useRecoveryKey')}
              </button>
            ) : null}
            {method !== 'keyfile' ? (
              <button type="button" className="link-button" onClick={() => switchTo('keyfile')}>
                {t('unlock.useKeyFile')}
              </button>
            ) : null}
          </div>
        </form>
      </div>
    </main>
  );
}

/** Date.now(), re-rendered each second until `until` has passed. */
function useNow(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return now;
}
