/**
 * The two IPC channels between the preload and main/app. The preload keeps its
 * own copy (it may not import main/app); a unit test holds the two equal.
 */
export const CALL_CHANNEL = 'hearth:call';
export const EVENT_CHANNEL = 'hearth:event';
