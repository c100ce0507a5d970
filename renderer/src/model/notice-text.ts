import type { Notice } from '../../../shared/api';
import { t } from '../i18n';
import { timerLabel } from './expiry';
import { listNames } from './reactions';

/**
 * What a group or timer notice says, from your side: "You added Bob and
 * Carol.", "Bob set disappearing messages to 5 minutes." A null id is you.
 */
export function noticeText(notice: Notice, nameOf: (contactId: string) => string): string {
  const actor = notice.actorId === null ? t('notice.you') : nameOf(notice.actorId);
  if (notice.type === 'timer') return notice.expireTimerMs === null ? t('notice.timer.off', { actor }) : t('notice.timer.set', { actor, duration: timerLabel(notice.expireTimerMs) });
  switch (notice.action) {
    case 'created':
      return t('notice.group.created', { actor, name: notice.name });
    case 'renamed':
      return t('notice.group.renamed', { actor, name: notice.name });
    case 'left':
      return t('notice.group.left', { actor });
    case 'added':
    case 'removed': {
      const targets = listNames(notice.targetIds.map((id) => (id === null ? t('notice.you.object') : nameOf(id))));
      return t(notice.action === 'added' ? 'notice.group.added' : 'notice.group.removed', { actor, targets });
    }
  }
}
