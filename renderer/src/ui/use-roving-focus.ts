import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import { nextRovingIndex, type Orientation } from './roving-focus';

export interface RovingItemProps {
  tabIndex: 0 | -1;
  ref: (element: HTMLElement | null) => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  onFocus: () => void;
}

/**
 * One Tab stop for a group of items; arrow keys move between them. The item
 * that holds the Tab stop follows focus, and starts at `initialIndex` (usually
 * the selected item).
 */
export function useRovingFocus(count: number, initialIndex: number, orientation: Orientation): (index: number) => RovingItemProps {
  const [focusIndex, setFocusIndex] = useState(initialIndex);
  const items = useRef<Array<HTMLElement | null>>([]);
  const tabStop = Math.min(Math.max(focusIndex, 0), Math.max(count - 1, 0));

  const onKeyDown = useCallback(
    (index: number, event: KeyboardEvent<HTMLElement>) => {
      const next = nextRovingIndex(index, event.key, count, orientation);
      if (next === null) return;
      event.preventDefault();
      setFocusIndex(next);
      items.current[next]?.focus();
    },
    [count, orientation],
  );

  return (index) => ({
    tabIndex: index === tabStop ? 0 : -1,
    ref: (element) => {
      items.current[index] = element;
    },
    onKeyDown: (event) => onKeyDown(index, event),
    onFocus: () => setFocusIndex(index),
  });
}
