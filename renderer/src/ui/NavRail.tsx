import type { ReactElement } from 'react';
import { t, type MessageKey } from '../i18n';
import { Icon, type IconName } from './Icon';
import { useRovingFocus } from './use-roving-focus';
import './NavRail.css';

export type View = 'chats' | 'settings';

const destinations: ReadonlyArray<{ view: View; icon: IconName; label: MessageKey }> = [
  { view: 'chats', icon: 'chats', label: 'nav.chats' },
  { view: 'settings', icon: 'settings', label: 'nav.settings' },
];

/** The narrow column on the far left: where you are, where else you can go, and the lock. */
export function NavRail({ view, unreadTotal, onNavigate, onLock, lockHint }: { view: View; unreadTotal: number; onNavigate: (view: View) => void; onLock: () => void; lockHint: string }): ReactElement {
  const itemProps = useRovingFocus(destinations.length, destinations.findIndex((d) => d.view === view), 'vertical');
  return (
    <nav className="nav-rail" aria-label={t('nav.label')}>
      {/* The page's one h1: the app's name, shown as its mark. */}
      <h1 className="nav-rail__logo">
        <Icon name="flame" />
        <span className="visually-hidden">{t('app.name')}</span>
      </h1>
      <ul className="nav-rail__list">
        {destinations.map((destination, index) => (
          <li key={destination.view}>
            <button
              type="button"
              className="nav-rail__item"
              aria-current={destination.view === view ? 'page' : undefined}
              aria-label={t(destination.label)}
              title={t(destination.label)}
              onClick={() => onNavigate(destination.view)}
              {...itemProps(index)}
            >
              <Icon name={destination.icon} />
              {destination.view === 'chats' && unreadTotal > 0 ? (
                <span className="nav-rail__badge" data-testid="unread-badge">
                  <span aria-hidden="true">{unreadTotal > 99 ? '99+' : unreadTotal}</span>
                  <span className="visually-hidden">{t('chats.unread', { count: unreadTotal })}</span>
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="nav-rail__item nav-rail__lock" aria-label={t('nav.lock')} aria-keyshortcuts={lockHint} title={`${t('nav.lock')} (${lockHint})`} onClick={onLock}>
        <Icon name="lock" />
      </button>
    </nav>
  );
}
