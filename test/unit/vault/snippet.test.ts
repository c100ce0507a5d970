import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnippet, buildSnippetFromTokens, termTokens } from '../../../main/core/vault/queries/snippet';
import { queryTerms, toFtsQuery } from '../../../main/core/vault/queries/search';

const terms = (q: string) => queryTerms(q).map(termTokens);
const render = (parts: ReturnType<typeof buildSnippet>) => parts?.map((p) => (p.match ? `[${p.text}]` : p.text)).join('') ?? null;

describe('search snippets', () => {
  it('marks words whatever their case and accents, and whole phrases only', () => {
    expect(render(buildSnippet("Regarde l'Arbre, l'ÉLAN du café", terms('arbre elan cafe')))).toBe("Regarde l'[Arbre], l'[ÉLAN] du [café]");
    expect(render(buildSnippet('the long and winding road, long and short', terms('"long and winding"')))).toBe('the [long and winding] road, long and short');
    expect(buildSnippet('nothing here', terms('absent'))).toBeNull();
  });

  it('cuts a long text to a window around the first match, with ellipses', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    words[20] = 'needle';
    expect(render(buildSnippet(words.join(' '), terms('needle')))).toBe('…w17 w18 w19 [needle] w21 w22 w23 w24 w25 w26 w27 w28…');
    words[20] = 'w20';
    words[1] = 'needle';
    expect(render(buildSnippet(words.join(' '), terms('needle')))).toBe('w0 [needle] w2 w3 w4 w5 w6 w7 w8 w9 w10 w11…');
  });

  it('finds words inside URLs and file names, and prefixes when asked', () => {
    expect(render(buildSnippet('see https://example.org/recipes/crème-brûlée?x=1', terms('creme recipes')))).toBe('see https://example.org/[recipes]/[crème]-brûlée?x=1');
    expect(render(buildSnippet('Quarterly-Report_2024.pdf', terms('report')))).toBe('Quarterly-[Report]_2024.pdf');
    expect(render(buildSnippet('winding road', terms('wind'), true))).toBe('[winding] road');
  });

  it('cuts ASCII text into words as it does any other text (a phrase across punctuation, case, digits, underscores)', () => {
    const ascii = 'Go THE, way: x_the way2 the way 3';
    const unicode = `${ascii} é`;
    const phrase = terms('"the way"');
    expect(render(buildSnippet(ascii, phrase))).toBe('Go [THE, way]: x_the way2 [the way] 3');
    expect(render(buildSnippet(unicode, phrase))).toBe('Go [THE, way]: x_the way2 [the way] 3 é');
    expect(render(buildSnippet('the wayward', terms('the way'), true))).toBe('[the] [wayward]');
    expect(buildSnippet('the wayward', terms('"the way"'))).toBeNull();
  });

  it('turns any typed text into a quoted FTS query that cannot inject syntax', () => {
    expect(toFtsQuery('arbre OR "long time" NEAR(*')).toBe('"arbre" "OR" "long time" "NEAR(*"');
    expect(toFtsQuery('-- " * ')).toBeNull();
    expect(toFtsQuery('wind', { prefixLastWord: true })).toBe('"wind*"');
  });

  it('builds the same snippet for ASCII text on its fast path as token by token', () => {
    const word = fc.constantFrom('the', 'The', 'way', 'WAY', 'way2', 'x_the', 'a', 'long', 'time', 'wind', 'winding', '42', 'e', 'café');
    const separator = fc.constantFrom(' ', ' ', ', ', '\n', '--', "'", '/', '');
    const text = fc.array(fc.tuple(word, separator), { maxLength: 40 }).map((parts) => parts.map(([w, sep]) => w + sep).join(''));
    const query = fc.array(fc.oneof(fc.constantFrom('the', 'way', 'a', 'wind', 'time', '42', 'cafe', 'e'), fc.constantFrom('"the way"', '"a a"', '"long time"', '"way the way"', '"x the"')), { minLength: 1, maxLength: 3 }).map((q) => q.join(' '));
    fc.assert(
      fc.property(text, query, fc.boolean(), (t, q, prefix) => {
        expect(buildSnippet(t, terms(q), prefix)).toEqual(buildSnippetFromTokens(t, terms(q), prefix));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
