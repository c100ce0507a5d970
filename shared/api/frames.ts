import { z } from 'zod';
import { SerializedError } from './errors';

/**
 * The envelope every contract call travels in, between the renderer and the
 * browser host and between main/app and the core worker. Only the envelope is
 * checked here; the method's own schemas check `args` and `result`.
 */

/** Longest method or event name we accept; real names are far shorter. */
const NAME_MAX = 100;

export const CallFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(NAME_MAX),
  args: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrame>;

export const ResultFrame = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), ok: z.literal(false), error: SerializedError }),
]);
export type ResultFrame = z.infer<typeof ResultFrame>;

export const EventFrame = z.object({
  type: z.literal('event'),
  event: z.string().min(1).max(NAME_MAX),
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrame>;

/** What a client receives: answers to its calls and pushed events. */
export const ServerFrame = z.union([ResultFrame, EventFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
