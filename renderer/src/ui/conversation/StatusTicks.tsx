import type { ReactElement } from 'react';
import type { MessageStatus } from '../../../../shared/api';
import { t, type MessageKey } from '../../i18n';
import { Icon, type IconName } from '../Icon';

const looks: Readonly<Record<Exclude<MessageStatus, 'received'>, { icon: IconName; label: MessageKey }>> = {
  pending: { icon: 'clock', label: 'status.pending' },
  sent: { icon: 'check', label: 'status.sent' },
  delivered: { icon: 'checks', label: 'status.delivered' },
  read: { icon: 'checks', label: 'status.read' },
  failed: { icon: 'alert', label: 'status.failed' },
};

/** An outgoing message's delivery state: a clock, one tick, two ticks, two filled ticks, or a warning. */
export function StatusTicks({ status }: { status: MessageStatus }): ReactElement | null {
  if (status === 'received') return null;
  const look = looks[status];
  return (
    <span className={`ticks ticks--${status}`} role="img" aria-label={t(look.label)} title={t(look.label)} data-status={status}>
      <Icon name={look.icon} />
    </span>
  );
}
