import { z } from 'zod';

/**
 * hearth:// links (from the OS: a click in a browser, another app, the
 * command line). Whoever sends one is untrusted, so a link is parsed strictly
 * and only its parsed form travels on: an action name, a short path and a
 * few short query parameters. Anything else is dropped whole.
 */

export const HEARTH_SCHEME = 'hearth';
const MAX_LINK_LENGTH = 2048;
const MAX_PARAMS = 16;
const MAX_PENDING = 8;

const Action = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
const PathSegment = z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/);
const ParamName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/);
const ParamValue = z.string().max(512).regex(/^[^\p{Cc}]*$/u);

export interface HearthLink {
  /** The URL's host: what the link asks for (e.g. "add-contact"). */
  readonly action: string;
  readonly path: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  /** The link re-serialized from the parsed parts. */
  readonly href: string;
}

/**
 * Spellings the URL parser would quietly rewrite (dot segments, backslashes,
 * whitespace, control characters): a link that needs rewriting is not one we
 * made, so it is refused rather than reinterpreted.
 */
const REWRITTEN_SPELLING = /\/(?:\.|%2e){1,2}(?:[/?#]|$)|[\\\s\p{Cc}]/iu;

export function parseHearthLink(raw: unknown): HearthLink | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINK_LENGTH || REWRITTEN_SPELLING.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${HEARTH_SCHEME}:` || url.username || url.password || url.port || url.hash) return null;

  const action = Action.safeParse(url.hostname);
  if (!action.success) return null;

  const segments = url.pathname === '' || url.pathname === '/' ? [] : url.pathname.replace(/^\//, '').split('/');
  const path: string[] = [];
  for (const segment of segments) {
    const parsed = PathSegment.safeParse(segment);
    if (!parsed.success) return null;
    path.push(parsed.data);
  }

  const params: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of url.searchParams) {
    if (++count > MAX_PARAMS) return null;
    if (!ParamName.safeParse(name).success || !ParamValue.safeParse(value).success || Object.hasOwn(params, name)) return null;
    params[name] = value;
  }

  const rebuilt = new URL(`${HEARTH_SCHEME}://${action.data}`);
  rebuilt.pathname = path.length ? `/${path.join('/')}` : '';
  for (const [name, value] of Object.entries(params)) rebuilt.searchParams.append(name, value);
  return { action: action.data, path, params, href: rebuilt.href };
}

/**
 * The hearth:// link in a command line, as Windows and Linux start us (or a
 * second instance) with it. Only whole arguments that parse count.
 */
export function findHearthLinkInArgv(argv: readonly string[]): HearthLink | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${HEARTH_SCHEME}:`)) continue;
    const link = parseHearthLink(arg);
    if (link) return link;
  }
  return null;
}

/**
 * Holds parsed links until the window is ready for them, then hands each to
 * the receiver. The contract has no deep-link event yet; the receiver
 * focuses the window, and forwards the link once one exists.
 */
export class DeepLinkInbox {
  private pending: HearthLink[] = [];
  private receiver: ((link: HearthLink) => void) | null = null;

  deliver(link: HearthLink): void {
    if (this.receiver) this.receiver(link);
    // Keep only the newest few: a flood of links must not grow memory.
    else this.pending = [...this.pending, link].slice(-MAX_PENDING);
  }

  attach(receiver: (link: HearthLink) => void): void {
    this.receiver = receiver;
    const queued = this.pending;
    this.pending = [];
    for (const link of queued) receiver(link);
  }
}
