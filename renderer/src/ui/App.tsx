import { useEffect, useSyncExternalStore, type ReactElement } from 'react';
import { t } from '../i18n';
import type { AppStore } from '../state/app-store';
import { FirstRunScreen } from './FirstRunScreen';
import { MainLayout } from './MainLayout';
import { StatusScreen } from './StatusScreen';

/** Chooses the screen from the app state: access problem, start-up, first run, or the messenger. */
export function App({ store }: { store: AppStore }): ReactElement {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { bridge, info, firstRun, loadError, unreadTotal } = state;

  useEffect(() => {
    document.title = unreadTotal > 0 ? `${t('app.name')} (${unreadTotal})` : t('app.name');
  }, [unreadTotal]);

  if (bridge.status === 'unauthorized') {
    const missing = bridge.reason === 'missing-token';
    return <StatusScreen icon="lock" title={t(missing ? 'connection.missingToken.title' : 'connection.wrongToken.title')} body={t(missing ? 'connection.missingToken.body' : 'connection.wrongToken.body')} />;
  }
  if (!info || !firstRun) {
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
  if (info.vaultState === 'uninitialized' && !state.firstRunSeen) {
    return <FirstRunScreen info={firstRun} onContinue={() => store.markFirstRunSeen()} />;
  }
  return <MainLayout info={info} firstRun={firstRun} unreadTotal={unreadTotal} bridge={bridge} />;
}
