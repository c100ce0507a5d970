import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

/**
 * `npm run bench -- NAME --out FILE [options]`: runs one benchmark and writes
 * its JSON. Each benchmark is a module exporting `run(options)`; its own
 * options (e.g. `--messages N`) are passed through as strings.
 */
const benchmarks = ['vault', 'relay', 'pipeline', 'ui'] as const;
type Benchmark = { run: (options: Record<string, string>) => Promise<object> };

async function load(name: string): Promise<Benchmark> {
  const mod: unknown = await import(new URL(`./${name}.ts`, import.meta.url).href);
  if (typeof mod !== 'object' || mod === null || !('run' in mod) || typeof mod.run !== 'function') {
    throw new Error(`bench/${name}.ts does not export run(options).`);
  }
  return mod as Benchmark;
}

const { positionals, values } = parseArgs({ allowPositionals: true, strict: false });
const name = positionals[0];
if (!name || !(benchmarks as readonly string[]).includes(name)) {
  console.error(`Usage: npm run bench -- (${benchmarks.join('|')}) --out FILE [options]`);
  process.exit(2);
}
const options = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
const result = await (await load(name)).run(options);
const json = JSON.stringify(result, null, 2);
if (options.out) await writeFile(options.out, json + '\n');
console.log(json);
process.exit(0);
