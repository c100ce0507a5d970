import type { Settings } from '../../../shared/api';
import type { DeviceAddress, ProtocolStore } from '../protocol';
import type { RelayConnection } from '../transport';
import type { Vault } from '../vault';
import type { ClientEvents } from './events';
import type { SealedSender } from './sealed-sender';

/** What the send and receive pipelines share: one open profile's parts, built by the Client. */
export interface MessagingContext {
  readonly vault: Vault;
  readonly protocol: ProtocolStore;
  readonly connection: RelayConnection;
  /** This device, as the relay and libsignal name it. */
  readonly self: DeviceAddress;
  readonly events: ClientEvents;
  readonly now: () => number;
  readonly settings: () => Settings;
  readonly sealedSender: SealedSender;
  /** Disappearing messages: the reaper's clock and the journal purge after removals. */
  readonly expiry: ExpiryHooks;
}

export interface ExpiryHooks {
  /** A message's expiry was set: the reaper re-arms if it is due sooner than its timer. */
  rearm(): void;
  /** Messages were removed (or a body erased by delete for everyone): brings a purging compaction forward, so their text leaves the journal and the search index's older segments. */
  removed(): void;
}

/** Outbox entry kinds (outbox.kind). */
export type OutboxKind = 'message' | 'receipt' | 'typing' | 'session-reset' | 'sender-key';
