import { useState, type FormEvent, type ReactElement } from 'react';
import { HearthError, Username, type FirstRunInfo, type ProtectionKind } from '../../../../shared/api';
import { t } from '../../i18n';
import type { AppStore } from '../../state/app-store';
import { newPassphraseReady, NewPassphraseFields, type NewPassphraseValue } from '../common/NewPassphraseFields';
import { usePassphraseStrength } from '../common/use-passphrase-strength';
import { Icon } from '../Icon';
import '../common/Form.css';
import './Onboarding.css';

type Step = 'profile' | 'protection';

/**
 * First run: a username and a relay, then how the history is protected (OS
 * keychain where the host has one, or a passphrase the strength meter
 * accepts). The recovery key comes after, on its own screen.
 */
export function OnboardingScreen({ store, info }: { store: AppStore; info: FirstRunInfo }): ReactElement {
  const [step, setStep] = useState<Step>('profile');
  const [username, setUsername] = useState('');
  const [relayUrl, setRelayUrl] = useState(info.defaultRelayUrl);
  const keychain = info.protections.find((p) => p.kind === 'keychain');
  const [protection, setProtection] = useState<ProtectionKind>(keychain?.available ? 'keychain' : 'passphrase');
  const [passphrase, setPassphrase] = useState<NewPassphraseValue>({ passphrase: '', confirm: '' });
  const strength = usePassphraseStrength(passphrase.passphrase, [username]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const usernameCheck = Username.safeParse(username);
  const usernameError = username && !usernameCheck.success ? t('onboarding.username.invalid') : null;

  const next = (event: FormEvent) => {
    event.preventDefault();
    if (!usernameCheck.success || !relayUrl.trim()) return;
    setError(null);
    setStep('protection');
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (protection === 'passphrase' && !newPassphraseReady(passphrase, strength)) return;
    setBusy(true);
    setError(null);
    try {
      await store.createAccount({
        username,
        relayUrl: relayUrl.trim(),
        protection: protection === 'passphrase' ? { kind: 'passphrase', passphrase: passphrase.passphrase } : { kind: 'keychain' },
      });
    } catch (failure) {
      const problem = HearthError.from(failure);
      setError(problem.kind === 'conflict' ? t('onboarding.username.taken', { username }) : problem.message);
      if (problem.kind === 'conflict') setStep('profile');
      setBusy(false);
    }
  };

  return (
    <main className="onboarding" aria-labelledby="onboarding-title">
      <div className="onboarding__card">
        <div className="onboarding__logo">
          <Icon name="flame" />
        </div>
        <p className="onboarding__step">{t('onboarding.step', { step: step === 'profile' ? 1 : 2, of: 3 })}</p>
        {step === 'profile' ? (
          <form className="form-stack" onSubmit={next} noValidate>
            <h1 id="onboarding-title" className="onboarding__title">
              {t('firstRun.title')}
            </h1>
            <p className="onboarding__lead">{t('firstRun.lead')}</p>
            {error ? (
              <p className="form-error" role="alert">
                <Icon name="alert" />
                {error}
              </p>
            ) : null}
            <div className="field">
              <label className="field__label" htmlFor="onboarding-username">
                {t('onboarding.username')}
              </label>
              <input
                id="onboarding-username"
                className="field__input"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                value={username}
                aria-invalid={usernameError ? true : undefined}
                aria-describedby="onboarding-username-hint"
                onChange={(event) => setUsername(event.target.value.toLowerCase())}
              />
              <p className={usernameError ? 'field__error' : 'field__hint'} id="onboarding-username-hint">
                {usernameError ?? t('onboarding.username.hint')}
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor="onboarding-relay">
                {t('onboarding.relay')}
              </label>
              <input id="onboarding-relay" className="field__input field__input--mono" spellCheck={false} required value={relayUrl} aria-describedby="onboarding-relay-hint" data-testid="first-run-relay-url" onChange={(event) => setRelayUrl(event.target.value)} />
              <p className="field__hint" id="onboarding-relay-hint">
                {t('firstRun.relay.hint')}
              </p>
            </div>
            <p className="onboarding__folder">
              <Icon name="folder" />
              <span>
                {t('firstRun.profileDir.label')} <code data-testid="first-run-profile-dir">{info.profileDir}</code>
              </span>
            </p>
            <div className="form-actions">
              <button type="submit" className="button button--primary" disabled={!usernameCheck.success || !relayUrl.trim()}>
                {t('firstRun.continue')}
              </button>
            </div>
          </form>
        ) : (
          <form className="form-stack" onSubmit={(event) => void create(event)} noValidate aria-busy={busy || undefined}>
            <h1 id="onboarding-title" className="onboarding__title">
              {t('onboarding.protection.title')}
            </h1>
            <p className="onboarding__lead">{t('onboarding.protection.lead')}</p>
            <fieldset className="choice-cards">
              <legend className="visually-hidden">{t('onboarding.protection.title')}</legend>
              {info.protections.map((option) => (
                <label key={option.kind} className={option.available ? 'choice-card' : 'choice-card choice-card--disabled'}>
                  <input type="radio" name="protection" value={option.kind} checked={protection === option.kind} disabled={!option.available || busy} onChange={() => setProtection(option.kind)} />
                  <span className="choice-card__text">
                    <span className="choice-card__title">{t(option.kind === 'keychain' ? 'firstRun.protection.keychain' : 'firstRun.protection.passphrase')}</span>
                    <span className="choice-card__body">{option.available ? t(option.kind === 'keychain' ? 'onboarding.keychain.body' : 'onboarding.passphrase.body') : option.reason}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            {protection === 'passphrase' ? <NewPassphraseFields value={passphrase} onChange={setPassphrase} strength={strength} labelKey="passphrase.choose" /> : null}
            {error ? (
              <p className="form-error" role="alert">
                <Icon name="alert" />
                {error}
              </p>
            ) : null}
            <div className="form-actions">
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => setStep('profile')}>
                {t('common.back')}
              </button>
              <button type="submit" className="button button--primary" disabled={busy || (protection === 'passphrase' && !newPassphraseReady(passphrase, strength))}>
                {busy ? t('onboarding.creating') : t('onboarding.create')}
              </button>
            </div>
          </form>
        )}
        <p className="onboarding__versions">{t('firstRun.versions', info.versions)}</p>
      </div>
    </main>
  );
}
