import type { ReactElement } from 'react';
import type { FirstRunInfo } from '../../../shared/api';
import { t } from '../i18n';
import { Icon } from './Icon';
import { ProtectionList } from './ProtectionList';
import './FirstRunScreen.css';

/** Shown before a vault exists: what Hearth will do on this machine, in the core's own words and values. */
export function FirstRunScreen({ info, onContinue }: { info: FirstRunInfo; onContinue: () => void }): ReactElement {
  return (
    <main className="first-run" aria-labelledby="first-run-title">
      <div className="first-run__card">
        <div className="first-run__logo">
          <Icon name="flame" />
        </div>
        <h1 id="first-run-title" className="first-run__title">
          {t('firstRun.title')}
        </h1>
        <p className="first-run__lead">{t('firstRun.lead')}</p>

        <dl className="first-run__facts">
          <div className="first-run__fact">
            <dt>
              <Icon name="folder" className="first-run__fact-icon" />
              {t('firstRun.profileDir.label')}
            </dt>
            <dd>
              <code className="first-run__value" data-testid="first-run-profile-dir">
                {info.profileDir}
              </code>
              <p className="first-run__hint">{t('firstRun.profileDir.hint')}</p>
            </dd>
          </div>
          <div className="first-run__fact">
            <dt>
              <Icon name="relay" className="first-run__fact-icon" />
              {t('firstRun.relay.label')}
            </dt>
            <dd>
              <code className="first-run__value" data-testid="first-run-relay-url">
                {info.defaultRelayUrl}
              </code>
              <p className="first-run__hint">{t('firstRun.relay.hint')}</p>
            </dd>
          </div>
        </dl>

        <section className="first-run__protections" aria-labelledby="first-run-protections">
          <h2 id="first-run-protections" className="first-run__subtitle">
            <Icon name="shield" className="first-run__fact-icon" />
            {t('firstRun.protections.title')}
          </h2>
          <ProtectionList protections={info.protections} />
        </section>

        <button type="button" className="button button--primary first-run__continue" onClick={onContinue}>
          {t('firstRun.continue')}
        </button>
        <p className="first-run__versions">{t('firstRun.versions', info.versions)}</p>
      </div>
    </main>
  );
}
