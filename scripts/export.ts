// npm run export -- KIND --format F [filters] [settings] (--out FILE | --bundle DIR)
// Writes one export (api.md) to a file, with its manifest beside it in FILE.manifest.json, or as a
// Hugging Face dataset folder. Exits 0 when the export is complete, 1 when it started but failed
// before the end (nothing partial is left behind), 2 when it could not run.
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { resolveDatabase } from '../lib/db/resolve';
import { closePool } from '../lib/db/pool';
import { applyMigrations } from '../lib/db/migrate';
import { EXPORT_FORMATS, EXPORT_KINDS, UNSCORED_POLICIES, parseExportRequest } from '../lib/schemas/exports';
import { FILTER_KEYS } from '../lib/schemas/filters';
import { startExport, KINDS } from '../lib/export/run';
import { writeBundle, writeExportFile } from '../lib/export/files';

const USAGE = `usage: npm run export -- KIND --format F (--out FILE | --bundle DIR) [filters] [settings]
  KIND            ${EXPORT_KINDS.join(' | ')}
  --format F      ${EXPORT_FORMATS.join(' | ')} (default jsonl)
  --out FILE      write FILE and FILE.manifest.json; - writes to standard output
  --bundle DIR    write a Hugging Face dataset folder: DIR/data/train-00000-of-00001.<ext> + DIR/README.md
filters (as the trajectory list): --run --query --benchmark --correct true|false --model
                  --min-cost --max-cost --labelled true|false --q TEXT
settings:         --judge NAME (only that judge's judgments and people's; default every judge)
                  --lambda L --mu M (reward, each in [0, 1000]; default 0.5, 0.1)
                  --threshold T (stepwise labels as booleans, score >= T)
                  --unscored ${UNSCORED_POLICIES.join('|')} (stepwise: steps without a rubric score; default zero)
                  --delta-p D --ratio-c R --cap N (preference pairs: D in [0, 1], R >= 1, N >= 0; default 0.1, 1.2, none)`;

class UsageError extends Error {}

const VALUE_FLAGS = [
  'format',
  'out',
  'bundle',
  'judge',
  'lambda',
  'mu',
  'threshold',
  'unscored',
  'delta-p',
  'ratio-c',
  'cap',
  ...FILTER_KEYS.map((k) => k.replace('_', '-')),
];

function parse(argv: string[]) {
  const options = Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const { positionals } = parsed;
  if (values.help) return null;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one KIND, got ${positionals.join(' ')}` : 'KIND is missing');
  const out = values.out as string | undefined;
  const bundle = values.bundle as string | undefined;
  if ((out === undefined) === (bundle === undefined)) throw new UsageError('give exactly one of --out FILE and --bundle DIR');
  const params = new URLSearchParams();
  for (const [flag, value] of Object.entries(values)) {
    if (flag === 'out' || flag === 'bundle' || flag === 'help' || typeof value !== 'string') continue;
    params.set(flag.replace('-', '_'), value);
  }
  return { kind: positionals[0]!, params, out, bundle };
}

async function main(argv: string[]): Promise<number> {
  let args;
  let request;
  try {
    args = parse(argv);
    if (args === null) {
      console.error(USAGE);
      return 0;
    }
    request = parseExportRequest(args.kind, args.params);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`routelens export: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof ZodError) {
      const issue = e.issues[0];
      const name = String(issue?.path[0] ?? 'kind');
      console.error(`routelens export: ${name === 'kind' ? 'KIND' : `--${name.replace('_', '-')}`}: ${issue?.message ?? 'invalid'}`);
      return 2;
    }
    throw e;
  }

  const db = await resolveDatabase((l) => console.error(l));
  process.env.DATABASE_URL = db.url;
  try {
    if (db.embedded) await applyMigrations(db.migrateUrl);
    const started = Date.now();
    let run;
    try {
      run = await startExport(request);
    } catch (e) {
      console.error(`routelens export: could not start: ${(e as Error).message}`);
      return 2;
    }
    try {
      const manifest = args.bundle !== undefined ? await writeBundle(run, args.bundle, KINDS[request.kind].summary) : await writeExportFile(run, args.out!);
      const where = args.bundle ?? (args.out === '-' ? 'standard output' : args.out);
      console.error(
        `routelens export: ${manifest.rows} ${request.kind} rows (${request.settings.format}) to ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (args.out === '-') console.error(JSON.stringify(manifest));
      return 0;
    } catch (e) {
      console.error(`routelens export: failed after ${run.rows()} rows: ${(e as Error).message}`);
      return 1;
    }
  } finally {
    await closePool();
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`routelens export: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
