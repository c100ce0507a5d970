import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { t } from '../i18n';
import { isMac, shortcutFor, shortcutLabel } from '../model/shortcuts';
import { startMessageNotifications } from '../notify/browser-notifications';
import type { AppStore } from '../state/app-store';
import type { MessengerStore } from '../state/messenger-store';
import { useStore } from '../state/use-store';
import { applyThemePreference, saveThemePreference } from '../theme/theme';
import { ChatsPanel } from './chats/ChatsPanel';
import { useIdleLock } from './common/use-idle-lock';
import { ConnectionBanner } from './ConnectionBanner';
import { NewConversationDialog } from './contacts/NewConversationDialog';
import { ConversationView } from './conversation/ConversationView';
import { NewGroupDialog } from './groups/NewGroupDialog';
import { Icon } from './Icon';
import { NavRail, type View } from './NavRail';
import { QuickSwitcher } from './QuickSwitcher';
import { SettingsPage } from './settings/SettingsPage';
import { SettingsPanel, type SettingsSection } from './settings/SettingsPanel';
import './MainLayout.css';

type Overlay = 'none' | 'quick-switcher' | 'new-conversation' | 'new-group';

/**
 * The messenger itself: navigation rail, list column, and the content pane,
 * with the keyboard shortcuts (Ctrl/Cmd+K, N, L, 1–9; Esc closes panels).
 */
export function MainLayout({ app, messenger }: { app: AppStore; messenger: MessengerStore }): ReactElement {
  const { bridge, unreadTotal, info } = useStore(app);
  const { activeConversationId, settings, openCount } = useStore(messenger);
  const [view, setView] = useState<View>('chats');
  const [section, setSection] = useState<SettingsSection>('appearance');
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [detailsOpen, setDetailsOpen] = useState(false);
  const content = useRef<HTMLElement>(null);
  const mac = isMac(info?.platform ?? navigator.platform);

  const lock = useCallback(() => void app.lock().catch(() => undefined), [app]);
  useIdleLock(settings?.autoLockMinutes ?? null, lock);

  // The core's setting decides the theme; localStorage only remembers it for the next start's first paint.
  useEffect(() => {
    if (!settings) return;
    applyThemePreference(document.documentElement, settings.theme);
    saveThemePreference(window.localStorage, settings.theme);
  }, [settings?.theme]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => (info?.host === 'browser' ? startMessageNotifications(messenger) : undefined), [info?.host, messenger]);

  // Opening a chat from anywhere (switcher, search, shortcut) shows the Chats view.
  useEffect(() => {
    if (openCount > 0) setView('chats');
  }, [openCount]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A dialog open over the details (confirm, add members) takes its own Esc.
      if (event.key === 'Escape' && overlay === 'none' && detailsOpen && !event.defaultPrevented && !document.querySelector('dialog[open]')) {
        setDetailsOpen(false);
        return;
      }
      const shortcut = shortcutFor(event, mac);
      if (!shortcut) return;
      event.preventDefault();
      switch (shortcut.action) {
        case 'quick-switcher':
          setOverlay('quick-switcher');
          break;
        case 'new-conversation':
          setOverlay('new-conversation');
          break;
        case 'lock':
          lock();
          break;
        case 'jump': {
          const target = messenger.getSnapshot().conversations[shortcut.index];
          if (target) messenger.openConversation(target.id);
          break;
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [mac, lock, messenger, overlay, detailsOpen]);

  const closeOverlay = useCallback(() => setOverlay('none'), []);
  const openNew = useCallback(() => setOverlay('new-conversation'), []);
  const openNewGroup = useCallback(() => setOverlay('new-group'), []);

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
      <NavRail view={view} unreadTotal={unreadTotal} onNavigate={setView} onLock={lock} lockHint={shortcutLabel('L', mac)} />
      {view === 'chats' ? <ChatsPanel messenger={messenger} onNewConversation={openNew} onNewGroup={openNewGroup} newConversationHint={shortcutLabel('N', mac)} /> : <SettingsPanel section={section} onSelect={setSection} />}
      <main id="content" ref={content} tabIndex={-1} className="main-layout__content">
        {view === 'settings' ? (
          <SettingsPage section={section} app={app} messenger={messenger} />
        ) : activeConversationId ? (
          <ConversationView key={activeConversationId} messenger={messenger} conversationId={activeConversationId} detailsOpen={detailsOpen} onDetailsOpenChange={setDetailsOpen} />
        ) : (
          <NoConversation mac={mac} onNewConversation={openNew} />
        )}
      </main>
      <ConnectionBanner bridge={bridge} />
      {overlay === 'quick-switcher' ? <QuickSwitcher messenger={messenger} onClose={closeOverlay} /> : null}
      {overlay === 'new-conversation' ? <NewConversationDialog messenger={messenger} onClose={closeOverlay} onNewGroup={openNewGroup} /> : null}
      {overlay === 'new-group' ? <NewGroupDialog messenger={messenger} onClose={closeOverlay} /> : null}
    </div>
  );
}

function NoConversation({ mac, onNewConversation }: { mac: boolean; onNewConversation: () => void }): ReactElement {
  return (
    <div className="no-conversation">
      <div className="no-conversation__badge">
        <Icon name="lock" />
      </div>
      <h2 className="no-conversation__title">{t('conversation.none.title')}</h2>
      <p className="no-conversation__body">{t('conversation.none.body')}</p>
      <button type="button" className="button button--primary" onClick={onNewConversation}>
        <Icon name="plus" />
        {t('chats.compose')}
      </button>
      <ul className="no-conversation__keys" aria-label={t('shortcuts.title')}>
        <li>
          <kbd>{shortcutLabel('K', mac)}</kbd> {t('shortcuts.switcher')}
        </li>
        <li>
          <kbd>{shortcutLabel('N', mac)}</kbd> {t('shortcuts.new')}
        </li>
        <li>
          <kbd>{shortcutLabel('1', mac)}</kbd>–<kbd>9</kbd> {t('shortcuts.jump')}
        </li>
        <li>
          <kbd>{shortcutLabel('L', mac)}</kbd> {t('shortcuts.lock')}
        </li>
      </ul>
    </div>
  );
}
