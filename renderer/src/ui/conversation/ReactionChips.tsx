import type { ReactElement } from 'react';
import type { Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { reactionChips } from '../../model/reactions';

/**
 * The reactions under a message: one chip per emoji with its count, yours
 * highlighted. Clicking your own takes it back; clicking another makes it
 * yours (one reaction per person, so it replaces the one you had).
 */
export function ReactionChips({ message, nameOf, onReact, disabled }: { message: Message; nameOf: (contactId: string) => string; onReact?: (message: Message, emoji: string | null) => void; disabled?: boolean }): ReactElement | null {
  const chips = reactionChips(message.reactions, nameOf);
  if (chips.length === 0) return null;
  return (
    <ul className="reactions" aria-label={t('reactions.label')}>
      {chips.map((chip) => (
        <li key={chip.emoji}>
          <button
            type="button"
            className={chip.mine ? 'reaction reaction--mine' : 'reaction'}
            aria-pressed={chip.mine}
            aria-label={chip.mine ? t('reactions.mine', { label: chip.label }) : chip.label}
            title={chip.label}
            disabled={disabled || !onReact}
            onClick={() => onReact?.(message, chip.mine ? null : chip.emoji)}
          >
            <span aria-hidden="true">{chip.emoji}</span>
            {chip.count > 1 ? (
              <span className="reaction__count" aria-hidden="true">
                {chip.count}
              </span>
            ) : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
