import type { ReactElement } from 'react';
import type { SalvageReport } from '../../../../shared/api';
import { t } from '../../i18n';
import { Icon } from '../Icon';
import '../common/Form.css';
import '../onboarding/Onboarding.css';

/** After salvage: what was kept and where the damaged part was put, until the person continues. */
export function SalvageReportScreen({ report, onDone }: { report: SalvageReport; onDone: () => void }): ReactElement {
  return (
    <main className="onboarding" aria-labelledby="salvage-title">
      <div className="onboarding__card">
        <div className="onboarding__logo">
          <Icon name="alert" />
        </div>
        <div className="form-stack">
          <h1 id="salvage-title" className="onboarding__title">
            {t('salvage.title')}
          </h1>
          <p className="onboarding__lead">{t('salvage.lead')}</p>
          <p>{t('salvage.kept', { count: report.keptCommits })}</p>
          <p>{t('salvage.reason', { reason: report.reason })}</p>
          {report.setAside.length > 0 ? <p>{t('salvage.setAside', { files: report.setAside.join(', ') })}</p> : null}
          <div className="form-actions">
            <button type="button" className="button button--primary" onClick={onDone} autoFocus>
              {t('salvage.done')}
            </button>
          </div>
        </div>
      </div>
    </main>
  );
}
