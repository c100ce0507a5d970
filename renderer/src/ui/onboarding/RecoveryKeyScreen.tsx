import { useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import { RecoveryKeyBox } from './RecoveryKeyBox';
import '../common/Form.css';
import './Onboarding.css';

/** Step 3 of first run: the recovery key, shown once, until the person says it is saved. */
export function RecoveryKeyScreen({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }): ReactElement {
  const [saved, setSaved] = useState(false);
  return (
    <main className="onboarding" aria-labelledby="onboarding-title">
      <div className="onboarding__card">
        <div className="onboarding__logo">
          <Icon name="key" />
        </div>
        <p className="onboarding__step">{t('onboarding.step', { step: 3, of: 3 })}</p>
        <div className="form-stack">
          <h1 id="onboarding-title" className="onboarding__title">
            {t('recovery.title')}
          </h1>
          <p className="onboarding__lead">{t('recovery.lead')}</p>
          <RecoveryKeyBox recoveryKey={recoveryKey} />
          <label className="checkbox">
            <input type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} />
            <span>{t('recovery.confirm')}</span>
          </label>
          <div className="form-actions">
            <button type="button" className="button button--primary" disabled={!saved} onClick={onDone}>
              {t('recovery.done')}
            </button>
          </div>
        </div>
      </div>
    </main>
  );
}
