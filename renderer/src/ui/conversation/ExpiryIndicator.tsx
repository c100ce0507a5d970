import { useEffect, useState, type ReactElement } from 'react';
import { t } from '../../i18n';
import { shortDuration, timerLabel } from '../../model/expiry';
import { Icon } from '../Icon';

/**
 * A small timer on a disappearing message, its title the time left. The
 * core removes the message when the time is up (messages.onDidRemove); this
 * only counts down, every second in the last minute, else every minute.
 * A message not read yet has no deadline: its clock starts when it is read.
 */
export function ExpiryIndicator(props: { expiresAt: number } | { afterRead: number }): ReactElement {
  if ('afterRead' in props) {
    const label = t('timer.afterRead', { duration: timerLabel(props.afterRead) });
    return (
      <span className="message__expiry" role="img" aria-label={label} title={label} data-testid="expiry">
        <Icon name="timer" />
      </span>
    );
  }
  return <Countdown expiresAt={props.expiresAt} />;
}

function Countdown({ expiresAt }: { expiresAt: number }): ReactElement {
  const [now, setNow] = useState(() => Date.now());
  const left = Math.max(0, expiresAt - now);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), left <= 60_000 ? 1000 : Math.min(60_000, left - 60_000 + 50));
    return () => clearTimeout(timer);
  }, [left]);
  const label = t('timer.left', { left: shortDuration(left) });
  return (
    <span className="message__expiry" role="img" aria-label={label} title={label} data-testid="expiry">
      <Icon name="timer" />
      {left <= 60_000 ? <span aria-hidden="true">{shortDuration(left)}</span> : null}
    </span>
  );
}
