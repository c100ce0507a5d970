import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { HearthError, type Settings, type StorageUsage } from '../../../../shared/api';
import { t, type MessageKey } from '../../i18n';
import { formatBytes } from '../../model/format';
import { notificationPermission, requestNotificationPermission } from '../../notify/browser-notifications';
import type { AppStore } from '../../state/app-store';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { themePreferences } from '../../theme/theme';
import '../common/Form.css';
import { useSave } from './use-save';

const themeLabels: Readonly<Record<Settings['theme'], MessageKey>> = {
  system: 'settings.theme.system',
  light: 'settings.theme.light',
  dark: 'settings.theme.dark',
};

const contentLabels: Readonly<Record<Settings['notificationContent'], MessageKey>> = {
  'name-and-message': 'settings.notifications.nameAndMessage',
  'name-only': 'settings.notifications.nameOnly',
  none: 'settings.notifications.none',
};

/** A radio group bound to one setting. */
function SettingChoice<K extends 'theme' | 'notificationContent'>({ messenger, name, legend, hint, options, labels }: { messenger: MessengerStore; name: K; legend: string; hint: string; options: readonly Settings[K][]; labels: Readonly<Record<Settings[K], MessageKey>> }): ReactElement {
  const { settings } = useStore(messenger);
  const save = useSave();
  // Shown at once, while the core stores it; the stored value wins again once it answers.
  const [pending, setPending] = useState<Settings[K] | null>(null);
  const choose = (option: Settings[K]) => {
    setPending(option);
    void save.run(() => messenger.updateSettings({ [name]: option })).finally(() => setPending(null));
  };
  const current = pending ?? settings?.[name];
  return (
    <fieldset className="settings-group">
      <legend className="settings-group__legend">{legend}</legend>
      <p className="settings-group__hint">{hint}</p>
      <div className="choice-list">
        {options.map((option) => (
          <label key={option} className="choice">
            <input type="radio" name={name} value={option} checked={current === option} disabled={!settings} onChange={() => choose(option)} />
            <span>{t(labels[option])}</span>
          </label>
        ))}
      </div>
      {save.error ? (
        <p className="form-error" role="alert">
          {save.error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function AppearanceSettings({ messenger }: { messenger: MessengerStore }): ReactElement {
  return <SettingChoice messenger={messenger} name="theme" legend={t('settings.theme.legend')} hint={t('settings.theme.hint')} options={themePreferences} labels={themeLabels} />;
}

export function NotificationSettings({ app, messenger }: { app: AppStore; messenger: MessengerStore }): ReactElement {
  const { info } = useStore(app);
  const [permission, setPermission] = useState(notificationPermission);
  return (
    <>
      <SettingChoice messenger={messenger} name="notificationContent" legend={t('settings.notifications.legend')} hint={t('settings.notifications.hint')} options={['name-and-message', 'name-only', 'none']} labels={contentLabels} />
      {info?.host === 'browser' ? (
        <section className="settings-block" aria-labelledby="browser-notifications">
          <h3 id="browser-notifications" className="settings-page__subtitle">
            {t('settings.notifications.browser')}
          </h3>
          <p className="settings-group__hint">{t(permission === 'granted' ? 'settings.notifications.granted' : permission === 'denied' ? 'settings.notifications.denied' : permission === 'unsupported' ? 'settings.notifications.unsupported' : 'settings.notifications.ask')}</p>
          {permission === 'default' ? (
            <button type="button" className="button button--secondary" onClick={() => void requestNotificationPermission().then(setPermission)}>
              {t('settings.notifications.allow')}
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export function ConnectionSettings({ messenger }: { messenger: MessengerStore }): ReactElement {
  const { settings, connection } = useStore(messenger);
  const [relayUrl, setRelayUrl] = useState(settings?.relayUrl ?? '');
  const save = useSave();
  useEffect(() => {
    if (settings) setRelayUrl(settings.relayUrl);
  }, [settings?.relayUrl]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the stored value changes

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = relayUrl.trim();
    if (!next || next === settings?.relayUrl) return;
    void save.run(() => messenger.updateSettings({ relayUrl: next }));
  };
  const stateKey: MessageKey = connection?.state === 'online' ? 'connection.relay.online' : connection?.state === 'connecting' ? 'connection.relay.connecting' : 'connection.relay.offline';
  return (
    <form className="form-stack settings-form" onSubmit={submit}>
      <p className="connection-state" role="status">
        <span className={`connection-state__dot connection-state__dot--${connection?.state ?? 'offline'}`} aria-hidden="true" />
        {t(stateKey)}
        {connection?.state === 'offline' && connection.lastError ? ` — ${connection.lastError}` : ''}
      </p>
      <div className="field">
        <label className="field__label" htmlFor="settings-relay">
          {t('settings.relay')}
        </label>
        <input id="settings-relay" className="field__input field__input--mono" spellCheck={false} value={relayUrl} aria-describedby="settings-relay-hint" onChange={(event) => (setRelayUrl(event.target.value), save.reset())} />
        <p className="field__hint" id="settings-relay-hint">
          {t('settings.relay.hint')}
        </p>
      </div>
      {save.error ? (
        <p className="form-error" role="alert">
          {save.error}
        </p>
      ) : null}
      {save.done ? (
        <p className="form-note" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={save.busy || !relayUrl.trim() || relayUrl.trim() === settings?.relayUrl}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}

export function StorageSettings({ app, messenger }: { app: AppStore; messenger: MessengerStore }): ReactElement {
  const { firstRun } = useStore(app);
  const [usage, setUsage] = useState<StorageUsage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    messenger.client.call('storage.getUsage', {}).then(
      (value) => current && setUsage(value),
      (failure: unknown) => current && setError(HearthError.from(failure).message),
    );
    return () => {
      current = false;
    };
  }, [messenger]);
  return (
    <>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <dl className="settings-facts" aria-busy={!usage && !error}>
        <Fact label={t('storage.total')} value={usage ? formatBytes(usage.totalBytes) : '…'} testId="storage-total" />
        <Fact label={t('storage.database')} value={usage ? formatBytes(usage.databaseBytes) : '…'} />
        <Fact label={t('storage.attachments')} value={usage ? formatBytes(usage.attachmentBytes) : '…'} />
        <Fact label={t('storage.messages')} value={usage ? new Intl.NumberFormat().format(usage.messageCount) : '…'} />
        <Fact label={t('settings.privacy.profileDir')} value={<code>{firstRun?.profileDir}</code>} />
      </dl>
      <p className="settings-group__hint">{t('storage.hint')}</p>
    </>
  );
}

export function AboutSettings({ app }: { app: AppStore }): ReactElement {
  const { info, firstRun } = useStore(app);
  return (
    <dl className="settings-facts">
      <Fact label={t('settings.about.version')} value={`${info?.name ?? ''} ${info?.version ?? ''}`} />
      <Fact label={t('settings.about.host')} value={t(info?.host === 'electron' ? 'settings.about.host.electron' : 'settings.about.host.browser')} />
      <Fact label={t('settings.about.platform')} value={info?.platform ?? ''} />
      <Fact label={t('settings.about.libsignal')} value={firstRun?.versions.libsignal ?? ''} />
      <Fact label={t('settings.about.node')} value={firstRun?.versions.node ?? ''} />
    </dl>
  );
}

function Fact({ label, value, testId }: { label: string; value: ReactElement | string; testId?: string }): ReactElement {
  return (
    <div className="settings-facts__row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
