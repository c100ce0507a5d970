import type { ReactElement, ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './StatusScreen.css';

/** A whole-window message (starting up, refused, failed), with an optional action. */
export function StatusScreen({ icon, title, body, busy, children }: { icon: IconName; title: string; body?: string; busy?: boolean; children?: ReactNode }): ReactElement {
  return (
    <main className="status-screen" aria-busy={busy ? true : undefined}>
      <div className={busy ? 'status-screen__icon status-screen__icon--busy' : 'status-screen__icon'}>
        <Icon name={icon} />
      </div>
      <h1 className="status-screen__title">{title}</h1>
      {body ? <p className="status-screen__body">{body}</p> : null}
      {children}
    </main>
  );
}
