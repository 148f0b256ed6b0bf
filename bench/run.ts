/**
 * `npm run bench` lists the benchmarks; `npm run bench -- <name> [args…]` runs bench/<name>.bench.ts.
 * A benchmark module exports `async function run(args: string[]): Promise<void>`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Bench = { run(args: string[]): Promise<void>; description?: string };

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);

if (!name) {
  console.log('usage: npm run bench -- <name> [args…]\n\navailable benchmarks:');
  for (const bench of available) {
    const mod = (await import(`./${bench}.bench.ts`)) as Bench;
    console.log(`  ${bench.padEnd(14)} ${mod.description ?? ''}`);
  }
  process.exit(0);
}
if (!available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(', ') || 'none'}`);
  process.exit(2);
}
const bench = (await import(`./${name}.bench.ts`)) as Bench;
await bench.run(args);
// Agenda leaves one un-cancellable lock-check timer per job it ran (lockLifetime / 2); they would keep
// the process alive for minutes after a job bench. The figures are printed: exit now.
process.exit(0);
