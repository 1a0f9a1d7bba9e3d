// What every benchmark file needs to run alone: its numeric options and a main that prints JSON.
import path from 'node:path';

export function numberArg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

/** Runs fn when the file is the script node was started with, prints its result and exits. */
export function runIfMain(filename: string, fn: () => Promise<unknown>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== path.resolve(filename)) return;
  fn().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
