// What every benchmark file needs to run alone: its options and a main that records and prints it.
import path from 'node:path';
import { describeMachine, loadNow, recordBench, resultPath, writeResults, type BenchOutput } from './results';

export function numberArg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]!.replace(/_/g, '')) : undefined;
}

export function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export const flagArg = (name: string): boolean => process.argv.includes(name);

export function isMain(filename: string): boolean {
  return !!process.argv[1] && path.resolve(process.argv[1]) === path.resolve(filename);
}

/**
 * Runs a benchmark when its file is the script node was started with: records it (load average
 * before and after, every sample), prints its figures, writes bench/out/<name>.json and exits.
 */
export function runIfMain(filename: string, name: string, options: Record<string, unknown>, fn: () => Promise<BenchOutput>): void {
  if (!isMain(filename)) return;
  const quick = flagArg('--quick');
  (async () => {
    const load_before = loadNow();
    const record = await recordBench(name, { quick, options }, fn);
    const file = resultPath({ quick, alone: name });
    writeResults(file, {
      command: process.argv.slice(1).join(' '),
      quick,
      machine: await describeMachine(process.env.DATABASE_URL),
      load_before,
      load_after: loadNow(),
      records: [record],
    });
    console.log(JSON.stringify(record.figures, null, 2));
    for (const w of record.warnings) console.log(`WARNING: ${w}`);
    console.error(`wrote ${path.relative(process.cwd(), file)}`);
    if (record.error) {
      console.error(record.error);
      return 1;
    }
    return 0;
  })().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
