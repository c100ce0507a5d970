import type { ReactElement } from 'react';
import type { ConnectionState } from '../bridge/connection';
import { t } from '../i18n';
import { Icon } from './Icon';
import './ConnectionBanner.css';

/** A polite live region: says so while the page is cut off from the core, and is empty otherwise. */
export function ConnectionBanner({ connection }: { connection: ConnectionState }): ReactElement {
  const message = connection.status === 'reconnecting' ? t('connection.reconnecting') : connection.status === 'connecting' ? t('connection.connecting') : connection.status === 'closed' ? t('connection.closed') : null;
  return (
    <div className="connection-banner" role="status">
      {message ? (
        <p className="connection-banner__message">
          <Icon name="alert" />
          {message}
        </p>
      ) : null}
    </div>
  );
}
