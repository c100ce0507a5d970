/**
 * Aggregate counters and gauges for /metrics, in Prometheus text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). There are no
 * per-user labels by design: the only label is an error code.
 */
interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, number>;
}

export class Metrics {
  private readonly metrics = new Map<string, Metric>();

  readonly connections = this.gauge('hearth_relay_connections', 'Open WebSocket connections.');
  readonly authenticatedConnections = this.gauge('hearth_relay_authenticated_connections', 'WebSocket connections authenticated as a device.');
  readonly frames = this.counter('hearth_relay_frames_received_total', 'WebSocket frames received.');
  readonly errors = this.counter('hearth_relay_errors_total', 'Error responses sent, by error code.');
  readonly registrations = this.counter('hearth_relay_accounts_registered_total', 'Accounts registered.');
  readonly authentications = this.counter('hearth_relay_authentications_total', 'Connections authenticated.');
  readonly accepted = this.counter('hearth_relay_envelopes_accepted_total', 'Envelopes stored durably.');
  readonly sealed = this.counter('hearth_relay_envelopes_sealed_total', 'Accepted envelopes sent with sealed sender.');
  readonly duplicates = this.counter('hearth_relay_envelopes_duplicate_total', 'Repeated submissions dropped.');
  readonly pushed = this.counter('hearth_relay_envelopes_pushed_total', 'Envelopes pushed to connected devices (including repeats after reconnects).');
  readonly acked = this.counter('hearth_relay_envelopes_acked_total', 'Ack ids received.');
  readonly expired = this.counter('hearth_relay_envelopes_expired_total', 'Envelopes deleted undelivered when their time-to-live ran out.');
  readonly bundles = this.counter('hearth_relay_prekey_bundles_served_total', 'Prekey bundles handed out.');
  readonly certificates = this.counter('hearth_relay_sender_certificates_issued_total', 'Sender certificates issued.');
  readonly attachmentsUploaded = this.counter('hearth_relay_attachments_uploaded_total', 'Attachments uploaded.');
  readonly attachmentsDeleted = this.counter('hearth_relay_attachments_deleted_total', 'Attachments deleted (confirmed by as many devices as announced, or expired).');
  readonly attachmentsServed = this.counter('hearth_relay_attachments_served_total', 'Attachment downloads served in full.');
  readonly attachmentConfirmations = this.counter('hearth_relay_attachment_confirmations_total', 'Download confirmations counted (repeats excluded).');
  readonly attachmentBytes = this.counter('hearth_relay_attachment_bytes_uploaded_total', 'Attachment bytes uploaded.');

  counter(name: string, help: string): (by?: number, label?: string) => void {
    return this.register(name, help, 'counter', (values, by, label) => values.set(label, (values.get(label) ?? 0) + by));
  }

  gauge(name: string, help: string): (by?: number, label?: string) => void {
    return this.register(name, help, 'gauge', (values, by, label) => values.set(label, (values.get(label) ?? 0) + by));
  }

  /** Current value of a metric, for tests and the benchmark. */
  value(name: string, label = ''): number {
    return this.metrics.get(name)?.values.get(label) ?? 0;
  }

  render(): string {
    let text = '';
    for (const metric of this.metrics.values()) {
      text += `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} ${metric.type}\n`;
      if (metric.values.size === 0) text += `${metric.name} 0\n`;
      for (const [label, value] of metric.values) text += `${metric.name}${label ? `{code="${label}"}` : ''} ${value}\n`;
    }
    return text;
  }

  private register(
    name: string,
    help: string,
    type: Metric['type'],
    update: (values: Map<string, number>, by: number, label: string) => void,
  ): (by?: number, label?: string) => void {
    const metric: Metric = { name, help, type, values: new Map() };
    this.metrics.set(name, metric);
    return (by = 1, label = '') => update(metric.values, by, label);
  }
}
