import type { ReactElement } from 'react';
import { t } from '../../i18n';
import type { AppStore } from '../../state/app-store';
import type { MessengerStore } from '../../state/messenger-store';
import { AboutSettings, AppearanceSettings, ConnectionSettings, NotificationSettings, StorageSettings } from './GeneralSettings';
import { SecuritySettings } from './SecuritySettings';
import { settingsSections, type SettingsSection } from './SettingsPanel';
import './SettingsPage.css';

/** The right-hand pane in the Settings view: one section's settings. */
export function SettingsPage({ section, app, messenger }: { section: SettingsSection; app: AppStore; messenger: MessengerStore }): ReactElement {
  const label = settingsSections.find((s) => s.section === section)?.label ?? 'settings.title';
  return (
    <div className="settings-page">
      <h2 className="settings-page__title">{t(label)}</h2>
      {section === 'appearance' ? <AppearanceSettings messenger={messenger} /> : null}
      {section === 'notifications' ? <NotificationSettings app={app} messenger={messenger} /> : null}
      {section === 'privacy' ? <SecuritySettings app={app} messenger={messenger} /> : null}
      {section === 'connection' ? <ConnectionSettings messenger={messenger} /> : null}
      {section === 'storage' ? <StorageSettings app={app} messenger={messenger} /> : null}
      {section === 'about' ? <AboutSettings app={app} /> : null}
    </div>
  );
}
