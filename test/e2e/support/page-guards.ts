import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { PageGlobals } from './page-globals';

/**
 * Records every Content-Security-Policy violation on the page, so a test can
 * prove the UI lives within the policy (no inline styles or scripts), and
 * every uncaught page error.
 */
export async function watchPage(page: Page): Promise<{ violations: string[]; errors: string[] }> {
  const watched = { violations: [] as string[], errors: [] as string[] };
  await page.exposeFunction('__hearthReportViolation', (directive: string, blocked: string) => watched.violations.push(`${directive} ${blocked}`));
  await page.addInitScript(() => {
    const page = globalThis as unknown as PageGlobals;
    page.document.addEventListener('securitypolicyviolation', (event) => page.__hearthReportViolation(event.violatedDirective, event.blockedURI));
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

/** axe-core on the page as it is now: no serious or critical violations (WCAG 2.x A and AA rules, and best practices). */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  // Guard against a silently empty run (e.g. axe failing to inject under the CSP).
  expect(results.passes.length).toBeGreaterThan(10);
  const moderate = results.violations.filter((v) => v.impact === 'moderate' || v.impact === 'minor');
  if (moderate.length > 0) console.log(`axe (moderate/minor): ${moderate.map((v) => `${v.id} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
