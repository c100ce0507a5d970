import type { ReactElement } from 'react';
import { t, type MessageKey } from '../../i18n';
import { Icon, type IconName } from '../Icon';
import { useRovingFocus } from '../use-roving-focus';
import '../ListPanel.css';

export type SettingsSection = 'appearance' | 'notifications' | 'privacy' | 'connection' | 'storage' | 'about';

export const settingsSections: ReadonlyArray<{ section: SettingsSection; icon: IconName; label: MessageKey }> = [
  { section: 'appearance', icon: 'sun', label: 'settings.appearance' },
  { section: 'notifications', icon: 'bell', label: 'settings.notifications' },
  { section: 'privacy', icon: 'lock', label: 'settings.privacy' },
  { section: 'connection', icon: 'relay', label: 'settings.connection' },
  { section: 'storage', icon: 'database', label: 'settings.storage' },
  { section: 'about', icon: 'info', label: 'settings.about' },
];

/** The middle column in the Settings view: the list of sections. */
export function SettingsPanel({ section, onSelect }: { section: SettingsSection; onSelect: (section: SettingsSection) => void }): ReactElement {
  const itemProps = useRovingFocus(settingsSections.length, settingsSections.findIndex((s) => s.section === section), 'vertical');
  return (
    <section className="list-panel" aria-labelledby="settings-title">
      <header className="list-panel__header">
        <h2 id="settings-title" className="list-panel__title">
          {t('settings.title')}
        </h2>
      </header>
      <ul className="section-list" aria-label={t('settings.sections.label')}>
        {settingsSections.map((entry, index) => (
          <li key={entry.section}>
            <button type="button" className="section-list__item" aria-current={entry.section === section ? 'true' : undefined} onClick={() => onSelect(entry.section)} {...itemProps(index)}>
              <Icon name={entry.icon} />
              {t(entry.label)}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
