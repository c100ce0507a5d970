import type { ReactElement } from 'react';
import type { FirstRunInfo, ProtectionKind } from '../../../shared/api';
import { t, type MessageKey } from '../i18n';
import { Icon } from './Icon';
import './ProtectionList.css';

const protectionNames: Readonly<Record<ProtectionKind, MessageKey>> = {
  keychain: 'firstRun.protection.keychain',
  passphrase: 'firstRun.protection.passphrase',
};

/** The ways this host can protect the vault key, as the core reports them, with why one is missing. */
export function ProtectionList({ protections }: { protections: FirstRunInfo['protections'] }): ReactElement {
  return (
    <ul className="protection-list">
      {protections.map((protection) => (
        <li key={protection.kind} className={protection.available ? 'protection protection--available' : 'protection protection--unavailable'}>
          <Icon name={protection.available ? 'check' : 'cross'} className="protection__icon" />
          <div className="protection__text">
            <span className="protection__name">{t(protectionNames[protection.kind])}</span>
            <span className="protection__status">{t(protection.available ? 'firstRun.protection.available' : 'firstRun.protection.unavailable')}</span>
            {protection.reason ? <p className="protection__reason">{protection.reason}</p> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
