import { useRef, useState, type ReactElement } from 'react';
import type { AppInfo, FirstRunInfo } from '../../../shared/api';
import type { ConnectionState } from '../bridge/connection';
import { t } from '../i18n';
import { ChatsPanel } from './ChatsPanel';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationPane } from './ConversationPane';
import { NavRail, type View } from './NavRail';
import { SettingsPanel, type SettingsSection } from './SettingsPanel';
import { SettingsPage } from './SettingsPage';
import './MainLayout.css';

export interface MainLayoutProps {
  info: AppInfo;
  firstRun: FirstRunInfo;
  unreadTotal: number;
  connection: ConnectionState;
}

/** The messenger itself: navigation rail, list column, and the content pane. */
export function MainLayout({ info, firstRun, unreadTotal, connection }: MainLayoutProps): ReactElement {
  const [view, setView] = useState<View>('chats');
  const [section, setSection] = useState<SettingsSection>('appearance');
  const content = useRef<HTMLElement>(null);

  return (
    <div className="main-layout">
      <a
        className="skip-link"
        href="#content"
        onClick={(event) => {
          // Move focus without touching the URL's fragment.
          event.preventDefault();
          content.current?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <h1 className="visually-hidden">{t('app.name')}</h1>
      <NavRail view={view} unreadTotal={unreadTotal} onNavigate={setView} />
      {view === 'chats' ? <ChatsPanel /> : <SettingsPanel section={section} onSelect={setSection} />}
      <main id="content" ref={content} tabIndex={-1} className="main-layout__content">
        {view === 'chats' ? <ConversationPane /> : <SettingsPage section={section} info={info} firstRun={firstRun} />}
      </main>
      <ConnectionBanner connection={connection} />
    </div>
  );
}
