import type { ReactElement } from 'react';
import type { AppInfo, FirstRunInfo } from '../../../shared/api';
import { t, type MessageKey } from '../i18n';
import { themePreferences, type ThemePreference } from '../theme/theme';
import { useThemePreference } from '../theme/use-theme-preference';
import { ProtectionList } from './ProtectionList';
import { settingsSections, type SettingsSection } from './SettingsPanel';
import './SettingsPage.css';

const themeLabels: Readonly<Record<ThemePreference, MessageKey>> = {
  system: 'settings.theme.system',
  light: 'settings.theme.light',
  dark: 'settings.theme.dark',
};

/** The right-hand pane in the Settings view: one section's settings. */
export function SettingsPage({ section, info, firstRun }: { section: SettingsSection; info: AppInfo; firstRun: FirstRunInfo }): ReactElement {
  const label = settingsSections.find((s) => s.section === section)?.label ?? 'settings.title';
  return (
    <div className="settings-page">
      <h2 className="settings-page__title">{t(label)}</h2>
      {section === 'appearance' ? <AppearanceSettings /> : null}
      {section === 'privacy' ? <PrivacySettings firstRun={firstRun} /> : null}
      {section === 'about' ? <AboutSettings info={info} firstRun={firstRun} /> : null}
    </div>
  );
}

function AppearanceSettings(): ReactElement {
  const [preference, choose] = useThemePreference();
  return (
    <fieldset className="settings-group">
      <legend className="settings-group__legend">{t('settings.theme.legend')}</legend>
      <p className="settings-group__hint">{t('settings.theme.hint')}</p>
      <div className="choice-list">
        {themePreferences.map((option) => (
          <label key={option} className="choice">
            <input type="radio" name="theme" value={option} checked={preference === option} onChange={() => choose(option)} />
            <span>{t(themeLabels[option])}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function PrivacySettings({ firstRun }: { firstRun: FirstRunInfo }): ReactElement {
  return (
    <>
      <dl className="settings-facts">
        <div className="settings-facts__row">
          <dt>{t('settings.privacy.profileDir')}</dt>
          <dd>
            <code>{firstRun.profileDir}</code>
          </dd>
        </div>
        <div className="settings-facts__row">
          <dt>{t('settings.privacy.relay')}</dt>
          <dd>
            <code>{firstRun.defaultRelayUrl}</code>
          </dd>
        </div>
      </dl>
      <h3 className="settings-page__subtitle">{t('settings.privacy.protections')}</h3>
      <ProtectionList protections={firstRun.protections} />
    </>
  );
}

function AboutSettings({ info, firstRun }: { info: AppInfo; firstRun: FirstRunInfo }): ReactElement {
  return (
    <dl className="settings-facts">
      <div className="settings-facts__row">
        <dt>{t('settings.about.version')}</dt>
        <dd>
          {info.name} {info.version}
        </dd>
      </div>
      <div className="settings-facts__row">
        <dt>{t('settings.about.host')}</dt>
        <dd>{t(info.host === 'electron' ? 'settings.about.host.electron' : 'settings.about.host.browser')}</dd>
      </div>
      <div className="settings-facts__row">
        <dt>{t('settings.about.platform')}</dt>
        <dd>{info.platform}</dd>
      </div>
      <div className="settings-facts__row">
        <dt>{t('settings.about.libsignal')}</dt>
        <dd>{firstRun.versions.libsignal}</dd>
      </div>
      <div className="settings-facts__row">
        <dt>{t('settings.about.node')}</dt>
        <dd>{firstRun.versions.node}</dd>
      </div>
    </dl>
  );
}
