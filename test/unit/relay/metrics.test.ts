import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../relay/metrics';

describe('relay metrics', () => {
  it('renders counters and gauges in Prometheus text format', () => {
    const metrics = new Metrics();
    metrics.accepted(3);
    metrics.connections(2);
    metrics.connections(-1);
    metrics.errors(1, 'RATE_LIMITED');
    const text = metrics.render();
    expect(text).toMatch(/^# HELP hearth_relay_envelopes_accepted_total .+\n# TYPE hearth_relay_envelopes_accepted_total counter\nhearth_relay_envelopes_accepted_total 3$/m);
    expect(text).toMatch(/^# TYPE hearth_relay_connections gauge\nhearth_relay_connections 1$/m);
    expect(text).toMatch(/^hearth_relay_errors_total\{code="RATE_LIMITED"\} 1$/m);
    expect(text).toMatch(/^hearth_relay_envelopes_expired_total 0$/m);
    expect(metrics.value('hearth_relay_envelopes_accepted_total')).toBe(3);
  });
});
