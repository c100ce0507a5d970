// @ts-check
/**
 * `npm run test:security`: runs Doyensec's Electronegativity over the Electron
 * shell, the preload and the renderer, and fails on any HIGH or MEDIUM finding
 * that .electronegativity.json does not justify in writing (matched by check
 * id and file). A justification that no longer matches a finding fails too,
 * so the file cannot quietly grow into a blanket exemption.
 *
 * Electronegativity scans a single folder and walks all of it (node_modules
 * included) before filtering, so main/ and renderer/ are staged into a
 * temporary folder first: both halves must be in one scan for its global
 * checks (CSP, navigation limits, permission handler) to see each other.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '..');
const SCANNED = ['main', 'renderer'];
const FAILING_SEVERITIES = new Set(['HIGH', 'MEDIUM']);

const Justifications = z.object({
  excludedChecks: z.array(z.object({ check: z.string().min(1), reason: z.string().min(20) })),
  justifications: z.array(z.object({ check: z.string().min(1), file: z.string().min(1), reason: z.string().min(20) })),
});

const require = createRequire(import.meta.url);
/** @type {(options: Record<string, unknown>) => Promise<{ issues: Array<{ id: string; file: string; severity: { name: string }; location: { line: number; column: number }; description: string }>; errors: Array<{ file: string; message: string; tolerable: boolean }> }>} */
const electronegativity = require('@doyensec/electronegativity');

const config = Justifications.parse(JSON.parse(readFileSync(join(ROOT, '.electronegativity.json'), 'utf8')));
// Read, not required: the scripts room does not load Electron, it only needs the version the app ships with.
const electronVersion = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8'))).version;

const stage = mkdtempSync(join(tmpdir(), 'hearth-electronegativity-'));
let result;
try {
  for (const dir of SCANNED) cpSync(join(ROOT, dir), join(stage, dir), { recursive: true });
  result = await electronegativity({
    input: stage,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: config.excludedChecks.map((entry) => entry.check),
  });
} finally {
  rmSync(stage, { recursive: true, force: true });
}

const failures = [];
const parseErrors = result.errors.filter((error) => !error.tolerable);
for (const error of parseErrors) failures.push(`could not parse ${error.file}: ${error.message} (an unparsed file is an unchecked file)`);

const used = new Set();
let justified = 0;
for (const issue of result.issues) {
  if (!FAILING_SEVERITIES.has(issue.severity.name)) continue;
  const index = config.justifications.findIndex((entry) => entry.check === issue.id && entry.file === issue.file);
  if (index >= 0) {
    used.add(index);
    justified++;
    continue;
  }
  failures.push(`${issue.severity.name} ${issue.id} in ${issue.file}:${issue.location.line}:${issue.location.column}: ${issue.description}`);
}
config.justifications.forEach((entry, index) => {
  if (!used.has(index)) failures.push(`stale justification: ${entry.check} in ${entry.file} matches no finding; remove it from .electronegativity.json`);
});

if (failures.length > 0) {
  console.error(`\nElectronegativity: ${failures.length} problem(s):`);
  for (const failure of failures) console.error(`  - ${failure}`);
  process.exit(1);
}
console.log(`\nElectronegativity: no unjustified HIGH/MEDIUM findings in ${SCANNED.join('/, ')}/ (${justified} justified in .electronegativity.json, Electron ${electronVersion}).`);
