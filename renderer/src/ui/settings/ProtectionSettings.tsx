import { useState, type FormEvent, type ReactElement } from 'react';
import { t } from '../../i18n';
import type { AppStore } from '../../state/app-store';
import { useStore } from '../../state/use-store';
import { newPassphraseReady, NewPassphraseFields, type NewPassphraseValue } from '../common/NewPassphraseFields';
import { usePassphraseStrength } from '../common/use-passphrase-strength';
import { RecoveryKeyBox } from '../onboarding/RecoveryKeyBox';
import { CurrentPassphraseField } from '../common/CurrentPassphraseField';
import { useSave } from './use-save';
import '../common/Form.css';

const EMPTY: NewPassphraseValue = { passphrase: '', confirm: '' };

/** How the vault key is protected: change the passphrase, switch keychain ↔ passphrase, see the recovery key again. */
export function ProtectionSettings({ app }: { app: AppStore }): ReactElement {
  const { protection, firstRun } = useStore(app);
  const keychainAvailable = firstRun?.protections.some((p) => p.kind === 'keychain' && p.available) ?? false;
  return (
    <section className="settings-block" aria-labelledby="settings-protection">
      <h3 id="settings-protection" className="settings-page__subtitle">
        {t('settings.protection.title')}
      </h3>
      <p className="settings-group__hint" data-testid="protection-kind">
        {t(protection === 'keychain' ? 'settings.protection.keychain' : protection === 'keyfile' ? 'settings.protection.keyfile' : 'settings.protection.passphrase')}
      </p>
      {protection === 'passphrase' ? <ChangePassphrase app={app} /> : null}
      {protection === 'passphrase' && keychainAvailable ? <SwitchToKeychain app={app} /> : null}
      {protection !== 'passphrase' ? <SwitchToPassphrase app={app} /> : null}
      <RevealRecoveryKey app={app} needsPassphrase={protection === 'passphrase'} />
    </section>
  );
}

function ChangePassphrase({ app }: { app: AppStore }): ReactElement {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState(EMPTY);
  const strength = usePassphraseStrength(next.passphrase, []);
  const save = useSave();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!current || !newPassphraseReady(next, strength)) return;
    if (await save.run(() => app.client.call('vault.changePassphrase', { current, next: next.passphrase }))) {
      setCurrent('');
      setNext(EMPTY);
    }
  };
  return (
    <details className="settings-disclosure">
      <summary>{t('settings.changePassphrase')}</summary>
      <form className="form-stack settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <CurrentPassphraseField id="change-current" value={current} onChange={(value) => (setCurrent(value), save.reset())} />
        <NewPassphraseFields value={next} onChange={(value) => (setNext(value), save.reset())} strength={strength} />
        <Outcome error={save.error} done={save.done ? t('settings.changePassphrase.done') : null} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={save.busy || !current || !newPassphraseReady(next, strength)}>
            {save.busy ? t('settings.working') : t('settings.changePassphrase')}
          </button>
        </div>
      </form>
    </details>
  );
}

function SwitchToKeychain({ app }: { app: AppStore }): ReactElement {
  const [current, setCurrent] = useState('');
  const save = useSave();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (current && (await save.run(() => app.client.call('vault.setProtection', { to: 'keychain', current })))) await app.refreshProtection();
  };
  return (
    <details className="settings-disclosure">
      <summary>{t('settings.toKeychain')}</summary>
      <form className="form-stack settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <p className="settings-group__hint">{t('settings.toKeychain.hint')}</p>
        <CurrentPassphraseField id="keychain-current" value={current} onChange={(value) => (setCurrent(value), save.reset())} />
        <Outcome error={save.error} done={null} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={save.busy || !current}>
            {t('settings.toKeychain')}
          </button>
        </div>
      </form>
    </details>
  );
}

function SwitchToPassphrase({ app }: { app: AppStore }): ReactElement {
  const [next, setNext] = useState(EMPTY);
  const strength = usePassphraseStrength(next.passphrase, []);
  const save = useSave();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPassphraseReady(next, strength) && (await save.run(() => app.client.call('vault.setProtection', { to: 'passphrase', passphrase: next.passphrase })))) await app.refreshProtection();
  };
  return (
    <details className="settings-disclosure">
      <summary>{t('settings.toPassphrase')}</summary>
      <form className="form-stack settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <NewPassphraseFields value={next} onChange={(value) => (setNext(value), save.reset())} strength={strength} />
        <Outcome error={save.error} done={null} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={save.busy || !newPassphraseReady(next, strength)}>
            {t('settings.toPassphrase')}
          </button>
        </div>
      </form>
    </details>
  );
}

function RevealRecoveryKey({ app, needsPassphrase }: { app: AppStore; needsPassphrase: boolean }): ReactElement {
  const [passphrase, setPassphrase] = useState('');
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const save = useSave();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (needsPassphrase && !passphrase) return;
    await save.run(async () => {
      const result = await app.client.call('vault.revealRecoveryKey', needsPassphrase ? { passphrase } : {});
      setRecoveryKey(result.recoveryKey);
      setPassphrase('');
    });
  };
  return (
    <details className="settings-disclosure" onToggle={(event) => !event.currentTarget.open && setRecoveryKey(null)}>
      <summary>{t('settings.recoveryKey')}</summary>
      <div className="form-stack settings-form">
        <p className="settings-group__hint">{t('settings.recoveryKey.hint')}</p>
        {recoveryKey ? (
          <>
            <RecoveryKeyBox recoveryKey={recoveryKey} />
            <div className="form-actions form-actions--start">
              <button type="button" className="button button--secondary" onClick={() => setRecoveryKey(null)}>
                {t('settings.recoveryKey.hide')}
              </button>
            </div>
          </>
        ) : (
          <form className="form-stack" onSubmit={(event) => void submit(event)} noValidate>
            {needsPassphrase ? <CurrentPassphraseField id="reveal-passphrase" value={passphrase} onChange={(value) => (setPassphrase(value), save.reset())} /> : null}
            <Outcome error={save.error} done={null} />
            <div className="form-actions form-actions--start">
              <button type="submit" className="button button--primary" disabled={save.busy || (needsPassphrase && !passphrase)}>
                {t('settings.recoveryKey.show')}
              </button>
            </div>
          </form>
        )}
      </div>
    </details>
  );
}

function Outcome({ error, done }: { error: string | null; done: string | null }): ReactElement | null {
  if (error) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  }
  if (done) {
    return (
      <p className="form-note" role="status">
        {done}
      </p>
    );
  }
  return null;
}
