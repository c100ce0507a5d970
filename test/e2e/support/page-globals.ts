/**
 * The few browser globals the specs touch inside page.evaluate. The test
 * programs compile without the DOM library (so main/ cannot lean on it by
 * accident), so code that runs in the page reaches them through
 * `globalThis as unknown as PageGlobals`.
 */
export interface PageElement {
  readonly tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  append(...nodes: PageElement[]): void;
}

export interface PageStyle {
  readonly outlineStyle: string;
  readonly outlineWidth: string;
  readonly backgroundColor: string;
  readonly color: string;
  readonly width: string;
}

export interface PageSocket {
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  close(): void;
}

export interface PageGlobals {
  document: {
    readonly activeElement: PageElement | null;
    readonly body: PageElement;
    createElement(tag: string): PageElement;
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
  };
  getComputedStyle(element: PageElement): PageStyle;
  WebSocket: new (url: string, protocols: string[]) => PageSocket;
  __hearthReportViolation(directive: string, blocked: string): void;
  __inlineRan?: boolean;
}
