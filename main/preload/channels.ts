/** The IPC channels, as main/app/ipc/channels.ts names them (a unit test holds the two equal). */
export const CALL_CHANNEL = 'hearth:call';
export const EVENT_CHANNEL = 'hearth:event';
