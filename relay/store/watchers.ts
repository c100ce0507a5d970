import type { MailboxAddress, MailboxEvent, MailboxListener } from './types';
import { recipientKey } from './types';

/** The listeners on this node for each mailbox, and delivery of events to them. */
export class MailboxWatchers {
  private readonly listeners = new Map<string, Set<MailboxListener>>();

  /** Adds a listener; returns true when it is the mailbox's first on this node. */
  add(address: MailboxAddress, listener: MailboxListener): boolean {
    const key = recipientKey(address);
    const set = this.listeners.get(key);
    if (set) {
      set.add(listener);
      return false;
    }
    this.listeners.set(key, new Set([listener]));
    return true;
  }

  /** Removes a listener; returns true when the mailbox has none left on this node. */
  remove(address: MailboxAddress, listener: MailboxListener): boolean {
    const key = recipientKey(address);
    const set = this.listeners.get(key);
    if (!set) return false;
    set.delete(listener);
    if (set.size > 0) return false;
    this.listeners.delete(key);
    return true;
  }

  emit(key: string, event: MailboxEvent): void {
    const set = this.listeners.get(key);
    if (set) for (const listener of set) listener(event);
  }

  keys(): IterableIterator<string> {
    return this.listeners.keys();
  }
}
