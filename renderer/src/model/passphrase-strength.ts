import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * Passphrase strength, estimated by zxcvbn-ts (dictionary words, names,
 * keyboard walks, l33t, repeats) with the common and English dictionaries.
 * Hearth refuses a new passphrase below `MIN_SCORE`: 3 means roughly 10^8
 * guesses, and each guess against the vault costs an Argon2id run.
 */
export const MIN_SCORE = 3;

export interface PassphraseStrength {
  /** 0 (trivial) … 4 (very strong). */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly acceptable: boolean;
  /** What is wrong with it, in words, when something is. */
  readonly warning: string | null;
  readonly suggestions: readonly string[];
}

let estimator: Promise<ZxcvbnFactory> | null = null;

/** The dictionaries are large, so they load on first use, not with the app. */
function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([core, common, english]) =>
      new core.ZxcvbnFactory({
        translations: english.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...english.dictionary },
        useLevenshteinDistance: true,
      }),
  );
  return estimator;
}

/** `userInputs`: words this person is likely to use (their username, "hearth"), which count as weak. */
export async function estimateStrength(passphrase: string, userInputs: readonly string[] = []): Promise<PassphraseStrength> {
  const zxcvbn = await loadEstimator();
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide it.
  const result = zxcvbn.check(passphrase.slice(0, 100), ['hearth', ...userInputs]);
  return {
    score: result.score,
    acceptable: result.score >= MIN_SCORE,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  };
}
