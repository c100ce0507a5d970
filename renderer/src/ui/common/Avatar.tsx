import type { ReactElement } from 'react';
import { avatarHue, initialsOf } from '../../model/format';
import './Avatar.css';

/** A round initials avatar; decorative, since the name is always beside it. */
export function Avatar({ name, size = 'm' }: { name: string; size?: 's' | 'm' | 'l' }): ReactElement {
  return (
    <span className={`avatar avatar--${size} avatar--hue-${avatarHue(name)}`} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
