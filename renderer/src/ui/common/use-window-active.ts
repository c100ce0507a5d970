import { useEffect, useState } from 'react';

/** Whether the person can see this window and it has focus (messages shown are then read). */
export function isWindowActive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

export function useWindowActive(): boolean {
  const [active, setActive] = useState(isWindowActive);
  useEffect(() => {
    const check = () => setActive(isWindowActive());
    window.addEventListener('focus', check);
    window.addEventListener('blur', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      window.removeEventListener('blur', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, []);
  return active;
}
