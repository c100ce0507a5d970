export { createCore, type Core, type CoreOptions } from './core';
export { CoreWorker } from './worker-client';
export { CoreWorkerData } from './worker-protocol';
export { Client, type ClientOptions } from './client/client';
export { toHearthError, isWrongKey } from './errors';
