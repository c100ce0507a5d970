import type { ReactElement } from 'react';
import type { BridgeState } from '../bridge/bridge-state';
import { t } from '../i18n';
import { Icon } from './Icon';
import './ConnectionBanner.css';

/** A polite live region: says so while the page is cut off from the core, and is empty otherwise. */
export function ConnectionBanner({ bridge }: { bridge: BridgeState }): ReactElement {
  const message = bridge.status === 'reconnecting' ? t('connection.reconnecting') : bridge.status === 'connecting' ? t('connection.connecting') : bridge.status === 'closed' ? t('connection.closed') : null;
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
