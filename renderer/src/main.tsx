import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToCore } from './bridge/connect';
import { selectLanguage } from './i18n';
import { AppStore } from './state/app-store';
import { applyThemePreference, loadThemePreference } from './theme/theme';
import { App } from './ui/App';
import './styles/tokens.css';
import './styles/base.css';

// Before the first paint, so a chosen theme never flashes the other one.
applyThemePreference(document.documentElement, loadThemePreference(window.localStorage));
selectLanguage(navigator.language);

const { client, state } = connectToCore();
const store = new AppStore(client, state);
store.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
