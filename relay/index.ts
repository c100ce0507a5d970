/** The Hearth relay, embeddable: `npm start` and the tests run it in-process with startRelay. */
export { startRelay, type Relay } from './server';
export type { RelayOptions } from './options';
export { defaultLimits, type Limits } from './limits';
export type { LogLevel, LogSink } from './log';
