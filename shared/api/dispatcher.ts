import { HearthError } from './errors';
import { isMethodName, methods, type MethodArgs, type MethodName, type MethodResult } from './contract';
import type { ResultFrame } from './frames';

export type Handler<M extends MethodName> = (args: MethodArgs<M>) => Promise<MethodResult<M>> | MethodResult<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/**
 * Validates a call against the contract, runs its handler and validates what
 * it returns. Whatever goes wrong comes back as a typed error, never as a
 * thrown exception that could take the process down.
 */
export async function dispatchCall(handlers: Handlers, method: unknown, args: unknown): Promise<unknown> {
  if (!isMethodName(method)) {
    throw new HearthError('unknown-method', `Unknown method: ${describeName(method)}.`);
  }
  const spec = methods[method];
  const parsedArgs = spec.args.safeParse(args ?? {});
  if (!parsedArgs.success) {
    throw new HearthError('invalid-arguments', `Invalid arguments for ${method}: ${parsedArgs.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}.`);
  }
  const handler = handlers[method] as (a: unknown) => Promise<unknown> | unknown;
  const result = await handler(parsedArgs.data);
  const parsedResult = spec.result.safeParse(result);
  if (!parsedResult.success) {
    throw new HearthError('invalid-result', `The core returned a malformed result for ${method}.`);
  }
  return parsedResult.data;
}

/** Runs a call and packs the outcome into a result frame. */
export async function answerCall(handlers: Handlers, id: number, method: unknown, args: unknown): Promise<ResultFrame> {
  try {
    const result = await dispatchCall(handlers, method, args);
    return { type: 'result', id, ok: true, result };
  } catch (error) {
    return { type: 'result', id, ok: false, error: HearthError.from(error).toJSON() };
  }
}

function describeName(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  // Echo at most a short, printable prefix of what the caller sent.
  return JSON.stringify(value.slice(0, 60).replace(/[^\x20-\x7e]/g, '?'));
}
