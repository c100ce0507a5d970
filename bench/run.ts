import { writeFile } from 'node:fs/promises';

/**
 * `npm run bench -- NAME --out FILE [options]`: runs one benchmark and writes
 * its JSON. Each benchmark is a module exporting `run(options)`; its own
 * options (e.g. `--messages N`) are passed through as strings.
 */
const benchmarks = ['vault', 'relay', 'pipeline', 'pipeline-group', 'pipeline-attachment', 'ui'] as const;
type Benchmark = { run: (options: Record<string, string>) => Promise<object> };

async function load(name: string): Promise<Benchmark> {
  const mod: unknown = await import(new URL(`./${name}.ts`, import.meta.url).href);
  if (typeof mod !== 'object' || mod === null || !('run' in mod) || typeof mod.run !== 'function') {
    throw new Error(`bench/${name}.ts does not export run(options).`);
  }
  return mod as Benchmark;
}

/** `NAME --key value --flag --key=value` → name and string options (a bare flag is "true"). */
function parseCommandLine(argv: readonly string[]): { name: string | undefined; options: Record<string, string> } {
  const options: Record<string, string> = {};
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      name ??= arg;
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options[arg.slice(2)] = argv[++i]!;
    else options[arg.slice(2)] = 'true';
  }
  return { name, options };
}

const { name, options } = parseCommandLine(process.argv.slice(2));
if (!name || !(benchmarks as readonly string[]).includes(name)) {
  console.error(`Usage: npm run bench -- (${benchmarks.join('|')}) --out FILE [options]`);
  process.exit(2);
}
const result = await (await load(name)).run(options);
const json = JSON.stringify(result, null, 2);
if (options.out) await writeFile(options.out, json + '\n');
console.log(json);
process.exit(0);
