import { useRef, useState, type ReactElement } from 'react';
import type { AppInfo, FirstRunInfo } from '../../../shared/api';
import type { BridgeState } from '../bridge/bridge-state';
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
  bridge: BridgeState;
}

/** The messenger itself: navigation rail, list column, and the content pane. */
export function MainLayout({ info, firstRun, unreadTotal, bridge }: MainLayoutProps): ReactElement {
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
      <NavRail view={view} unreadTotal={unreadTotal} onNavigate={setView} />
      {view === 'chats' ? <ChatsPanel /> : <SettingsPanel section={section} onSelect={setSection} />}
      <main id="content" ref={content} tabIndex={-1} className="main-layout__content">
        {view === 'chats' ? <ConversationPane /> : <SettingsPage section={section} info={info} firstRun={firstRun} />}
      </main>
      <ConnectionBanner bridge={bridge} />
    </div>
  );
}
