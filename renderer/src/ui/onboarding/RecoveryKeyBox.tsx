import { useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import './Onboarding.css';

/** The recovery key in large monospace groups, with a copy button. */
export function RecoveryKeyBox({ recoveryKey }: { recoveryKey: string }): ReactElement {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(recoveryKey);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="recovery-key">
      <p className="recovery-key__value" data-testid="recovery-key" aria-label={t('recovery.label')}>
        {recoveryKey}
      </p>
      <button type="button" className="button button--secondary button--small" onClick={() => void copy()}>
        <Icon name={copied ? 'check' : 'copy'} />
        {copied ? t('recovery.copied') : t('recovery.copy')}
      </button>
    </div>
  );
}
