import type { AttachmentBlobs } from './attachment-blobs';
import type { Limits } from './limits';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { RateLimiter } from './rate-limiter';
import type { SenderCertifier } from './sender-certificates';
import type { RelayStore } from './store/types';

/** The relay's services, built once in startRelay and handed to every connection and HTTP handler. */
export interface RelayContext {
  readonly store: RelayStore;
  readonly limits: Limits;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly certifier: SenderCertifier;
  readonly blobs: AttachmentBlobs;
  readonly accountLimiter: RateLimiter;
  readonly addressLimiter: RateLimiter;
  readonly now: () => number;
  /** True once shutdown has begun: new work is refused with UNAVAILABLE. */
  readonly stopping: () => boolean;
  /** Lets shutdown wait for a request that is being handled. */
  readonly track: <T>(work: Promise<T>) => Promise<T>;
}
