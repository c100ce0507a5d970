import type { ReactElement } from 'react';
import { t } from '../../i18n';
import type { AppStore } from '../../state/app-store';
import type { MessengerStore } from '../../state/messenger-store';
import { useStore } from '../../state/use-store';
import { Icon } from '../Icon';
import { ProtectionSettings } from './ProtectionSettings';
import { useSave } from './use-save';
import '../common/Form.css';

/** Choices for auto-lock, in minutes (null = never). */
const AUTO_LOCK_CHOICES: readonly (number | null)[] = [null, 1, 5, 15, 30, 60, 240];

/** Privacy and security: lock now, auto-lock, the vault's protection and recovery key, receipts and typing. */
export function SecuritySettings({ app, messenger }: { app: AppStore; messenger: MessengerStore }): ReactElement {
  const { settings } = useStore(messenger);
  const save = useSave();
  return (
    <>
      <section className="settings-block" aria-labelledby="settings-lock">
        <h3 id="settings-lock" className="settings-page__subtitle">
          {t('settings.lock.title')}
        </h3>
        <p className="settings-group__hint">{t('settings.lock.hint')}</p>
        <div className="settings-row">
          <button type="button" className="button button--secondary" onClick={() => void app.lock()}>
            <Icon name="lock" />
            {t('settings.lock.now')}
          </button>
        </div>
        <div className="field settings-field">
          <label className="field__label" htmlFor="settings-auto-lock">
            {t('settings.autoLock')}
          </label>
          <select
            id="settings-auto-lock"
            className="field__select"
            value={settings?.autoLockMinutes ?? 'never'}
            disabled={!settings || save.busy}
            onChange={(event) => void save.run(() => messenger.updateSettings({ autoLockMinutes: event.target.value === 'never' ? null : Number(event.target.value) }))}
          >
            {AUTO_LOCK_CHOICES.map((minutes) => (
              <option key={minutes ?? 'never'} value={minutes ?? 'never'}>
                {minutes === null ? t('settings.autoLock.never') : minutes === 1 ? t('settings.autoLock.minute') : t('settings.autoLock.minutes', { minutes })}
              </option>
            ))}
          </select>
        </div>
      </section>
      <ProtectionSettings app={app} />
      <section className="settings-block" aria-labelledby="settings-sharing">
        <h3 id="settings-sharing" className="settings-page__subtitle">
          {t('settings.sharing.title')}
        </h3>
        <div className="form-stack">
          <label className="checkbox">
            <input type="checkbox" checked={settings?.sendReadReceipts ?? true} disabled={!settings || save.busy} onChange={(event) => void save.run(() => messenger.updateSettings({ sendReadReceipts: event.target.checked }))} />
            <span>{t('settings.readReceipts')}</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={settings?.sendTypingIndicators ?? true} disabled={!settings || save.busy} onChange={(event) => void save.run(() => messenger.updateSettings({ sendTypingIndicators: event.target.checked }))} />
            <span>{t('settings.typingIndicators')}</span>
          </label>
        </div>
      </section>
      {save.error ? (
        <p className="form-error" role="alert">
          {save.error}
        </p>
      ) : null}
    </>
  );
}
