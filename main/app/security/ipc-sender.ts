import { originOf } from '../app-origin';

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

/**
 * Whether an IPC message may be acted on: it must come from a main frame (not
 * an iframe, which could be someone else's content) whose document has our
 * app's origin. A null frame means the frame navigated away or was destroyed
 * before the message was handled, so we cannot know who sent it.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appOrigin: string): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return originOf(frame.url) === appOrigin;
}
