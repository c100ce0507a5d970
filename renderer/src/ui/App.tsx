import { useEffect, useState, type ReactElement } from 'react';
import { t } from '../i18n';
import type { AppStore } from '../state/app-store';
import { MessengerStore } from '../state/messenger-store';
import { useStore } from '../state/use-store';
import { showUnreadBadge } from '../notify/unread-badge';
import { MainLayout } from './MainLayout';
import { OnboardingScreen } from './onboarding/OnboardingScreen';
import { RecoveryKeyScreen } from './onboarding/RecoveryKeyScreen';
import { StatusScreen } from './StatusScreen';
import { SalvageReportScreen } from './unlock/SalvageReportScreen';
import { UnlockScreen } from './unlock/UnlockScreen';

/** Chooses the screen from the app state: access problem, start-up, first run, locked, or the messenger. */
export function App({ store }: { store: AppStore }): ReactElement {
  const state = useStore(store);
  const { bridge, info, firstRun, loadError, unreadTotal, vaultState, recoveryKey, salvageReport } = state;

  useEffect(() => showUnreadBadge(unreadTotal), [unreadTotal]);

  if (bridge.status === 'unauthorized') {
    const missing = bridge.reason === 'missing-token';
    return <StatusScreen icon="lock" title={t(missing ? 'connection.missingToken.title' : 'connection.wrongToken.title')} body={t(missing ? 'connection.missingToken.body' : 'connection.wrongToken.body')} />;
  }
  if (!info || !firstRun || !vaultState) {
    if (loadError) {
      return (
        <StatusScreen icon="alert" title={t('error.title')} body={loadError.message}>
          <button type="button" className="button button--primary" onClick={() => void store.load()}>
            {t('error.retry')}
          </button>
        </StatusScreen>
      );
    }
    return <StatusScreen icon="flame" title={bridge.status === 'open' ? t('app.loading') : t('connection.connecting')} busy />;
  }
  if (recoveryKey) return <RecoveryKeyScreen recoveryKey={recoveryKey} onDone={() => store.confirmRecoveryKeySaved()} />;
  if (vaultState === 'uninitialized') return <OnboardingScreen store={store} info={firstRun} />;
  if (vaultState === 'locked') return <UnlockScreen store={store} protection={state.protection} />;
  if (salvageReport) return <SalvageReportScreen report={salvageReport} onDone={() => store.dismissSalvageReport()} />;
  return <UnlockedApp store={store} />;
}

/** The messenger for one unlocked session: its store lives until the vault locks. */
function UnlockedApp({ store }: { store: AppStore }): ReactElement {
  const [messenger] = useState(() => new MessengerStore(store.client));
  useEffect(() => {
    messenger.start();
    return () => messenger.stop();
  }, [messenger]);
  return <MainLayout app={store} messenger={messenger} />;
}
