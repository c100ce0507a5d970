/**
 * Main-process mirror of the web's "transient user activation": an action
 * that leaves the app (opening a link in the browser) is honoured only right
 * after the user pressed a key or clicked in the window. Electron applies no
 * popup blocker to window.open, so without this a compromised page could
 * launch the browser at will.
 */

/** How long an input counts as the user's intent; Chromium's transient activation lasts 5 s too. */
export const ACTIVATION_LIFESPAN_MS = 5_000;

/** Input types that activate a page in Chromium (a click, a key press, a tap), by Electron's InputEvent.type names. */
const ACTIVATING_INPUT = new Set(['mouseDown', 'mouseUp', 'rawKeyDown', 'keyDown', 'gestureTap', 'touchEnd', 'pointerUp']);

export class UserActivation {
  private activatedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Called for every input event the window receives. */
  record(inputType: string): void {
    if (ACTIVATING_INPUT.has(inputType)) this.activatedAt = this.now();
  }

  /** Whether the user acted within the lifespan; a yes uses the activation up, as window.open does in Chromium. */
  consume(): boolean {
    const at = this.activatedAt;
    this.activatedAt = null;
    if (at === null) return false;
    const age = this.now() - at;
    return age >= 0 && age <= ACTIVATION_LIFESPAN_MS;
  }
}
