import { useEffect, useState } from 'react';
import { estimateStrength, type PassphraseStrength } from '../../model/passphrase-strength';

/** The strength of `passphrase`, estimated off the keystroke (null while empty or still estimating the first time). */
export function usePassphraseStrength(passphrase: string, userInputs: readonly string[]): PassphraseStrength | null {
  const [result, setResult] = useState<{ for: string; strength: PassphraseStrength } | null>(null);
  const inputsKey = userInputs.join('\n');
  useEffect(() => {
    if (!passphrase) return;
    let current = true;
    const timer = setTimeout(() => {
      void estimateStrength(passphrase, inputsKey ? inputsKey.split('\n') : []).then((strength) => {
        if (current) setResult({ for: passphrase, strength });
      });
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [passphrase, inputsKey]);
  return passphrase && result?.for === passphrase ? result.strength : null;
}
