import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './bridge';

/*
 * The sandboxed preload: it runs before the page in an isolated world and
 * exposes window.hearth. Keep it tiny; everything else belongs to the core.
 */
contextBridge.exposeInMainWorld('hearth', createPreloadBridge(ipcRenderer));
