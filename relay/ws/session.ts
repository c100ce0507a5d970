import { fail } from '../errors';
import type { HandlerContext, Session } from './handler';

/** The connection's session, or UNAUTHENTICATED. */
export function requireSession(context: HandlerContext): Session {
  const session = context.connection.session;
  if (!session) throw fail.unauthenticated();
  return session;
}
