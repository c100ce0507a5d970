export type Orientation = 'vertical' | 'horizontal';

/**
 * Where focus moves in a roving-tabindex group for a key press, or null when
 * the key is not ours. Arrows wrap around; Home and End jump to the ends
 * (WAI-ARIA Authoring Practices, "Managing focus within components").
 */
export function nextRovingIndex(current: number, key: string, count: number, orientation: Orientation): number | null {
  if (count <= 0) return null;
  const previousKey = orientation === 'vertical' ? 'ArrowUp' : 'ArrowLeft';
  const nextKey = orientation === 'vertical' ? 'ArrowDown' : 'ArrowRight';
  switch (key) {
    case previousKey:
      return (current - 1 + count) % count;
    case nextKey:
      return (current + 1) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
