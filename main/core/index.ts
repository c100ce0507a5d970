export { createCore, type Core, type CoreOptions } from './core';
export { CoreWorker } from './worker-client';
export { CoreWorkerData } from './worker-protocol';
