// `npm run bench`: every benchmark, each printing its times and the ratio to a baseline measured in the
// same run (the machine is shared and noisy: compare ratios, not seconds). Select some: npm run bench -- ingest explorer
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Bench = (log: (line: string) => void) => Promise<void>;
const BENCHES: { name: string; file: string; fn: string }[] = [
  { name: 'profile', file: 'profile', fn: 'benchProfile' },
  { name: 'ingest', file: 'ingest', fn: 'benchIngest' },
  { name: 'explorer', file: 'explorer', fn: 'benchExplorer' },
  { name: 'mlflow', file: 'mlflow', fn: 'benchMlflow' },
  { name: 'activation', file: 'activation', fn: 'benchActivation' },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  let failed = 0;
  for (const b of BENCHES) {
    if (wanted.length && !wanted.includes(b.name)) continue;
    const path = join(__dirname, 'bench', `${b.file}.ts`);
    if (!existsSync(path)) continue;
    console.log(`\n== ${b.name}`);
    const t0 = Date.now();
    try {
      const mod = (await import(path)) as Record<string, Bench>;
      await mod[b.fn]((line) => console.log(line));
      console.log(`(${b.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.error(`${b.name} failed: ${(e as Error).stack ?? e}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
