import type { ServerResponse } from 'node:http';
import type { RelayContext } from '../context';

/** GET /healthz: 200 when the store answers, 503 otherwise or while shutting down. */
export async function healthz(relay: RelayContext, res: ServerResponse): Promise<void> {
  let healthy = !relay.stopping();
  if (healthy) {
    try {
      await relay.store.checkHealth();
    } catch {
      healthy = false;
    }
  }
  res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable' }));
}

/** GET /metrics: aggregate counters in Prometheus text format. */
export function metrics(relay: RelayContext, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
  res.end(relay.metrics.render());
}
