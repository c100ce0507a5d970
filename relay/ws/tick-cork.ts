/** A stream whose writes can be held back and then flushed together (net.Socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Holds back each connection's writes until the end of the event-loop turn,
 * so the frames a turn produces for one socket (a response and a push, say)
 * leave in one system call instead of one each.
 */
export class TickCork {
  private readonly corked = new Set<Corkable>();
  private scheduled = false;

  cork(stream: Corkable): void {
    if (this.corked.has(stream)) return;
    stream.cork();
    this.corked.add(stream);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const stream of this.corked) stream.uncork();
    this.corked.clear();
  };
}
