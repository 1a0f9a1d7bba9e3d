/**
 * Writes generated trace v1 lines (lib/generate) as JSON Lines, optionally gzip-compressed.
 *
 *   tsx scripts/generate.ts --out FILE [--gzip] [--seed N] [--queries N] [--trajectories N]
 *                           [--steps N|MIN-MAX] [--per-query N] [--judgments N|MIN-MAX]
 *                           [--text short|normal] [--no-rubrics]
 *   tsx scripts/generate.ts --out FILE --training STEPS,QUERIES,ROLLOUTS [--gzip] [--seed N]
 *                           [--queries N] [--steps N|MIN-MAX] [--judgments N|MIN-MAX] [--text short|normal]
 *
 * --training writes the rollouts of the demo's two GRPO training runs (lib/generate
 * generateTrainingTraces) instead: STEPS training steps, each with QUERIES queries of ROLLOUTS rollouts.
 * FILE `-` is stdout. A name ending in .gz implies --gzip. A file is written under a temporary name
 * and renamed when complete, so a reader never sees half a file. Prints a one-line summary to stderr.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';

import {
  DEMO_RUNS,
  DEMO_TRAINING_RUNS,
  generateTraces,
  generateTrainingTraces,
  plannedRollouts,
  plannedTrajectories,
  type GenerateOptions,
  type Range,
  type TrainingOptions,
} from '../lib/generate/index';

const USAGE = `usage: tsx scripts/generate.ts --out FILE|- [--gzip] [--seed N] [--queries N]
       [--trajectories N] [--steps N|MIN-MAX] [--per-query N] [--judgments N|MIN-MAX]
       [--text short|normal] [--no-rubrics]
       tsx scripts/generate.ts --out FILE|- --training STEPS,QUERIES,ROLLOUTS [--gzip] [--seed N]
       [--queries N] [--steps N|MIN-MAX] [--judgments N|MIN-MAX] [--text short|normal]

  --out FILE       output path; '-' writes to stdout; a .gz name implies --gzip
  --trajectories N total number of trajectories (without --queries, enough queries are added;
                   with --queries but without --per-query, trajectories per query are raised)
  --per-query N    trajectories per query and run (ids .../r0, .../r1, ...), default 1
  --steps          steps per trajectory, fixed or a range (default 4-16; 2-6 with --training)
  --training STEPS,QUERIES,ROLLOUTS
                   GRPO rollouts of the demo's two training runs (${DEMO_TRAINING_RUNS.map((r) => r.id).join(', ')}):
                   STEPS training steps (0..STEPS-1), each with QUERIES queries of ROLLOUTS rollouts
                   (one group per query); the demo loads 40,16,8. --queries is then the pool the
                   batches are drawn from (a multiple of QUERIES, default 10 batches)
`;

class UsageError extends Error {}

function integer(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

function rangeArg(value: string | undefined, name: string): Range | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (m === null) throw new UsageError(`--${name} must be N or MIN-MAX, got ${JSON.stringify(value)}`);
  const min = Number(m[1]);
  return m[2] === undefined ? min : { min, max: Number(m[2]) };
}

function trainingArg(value: string): { trainingSteps: number; queriesPerStep: number; rolloutsPerQuery: number } {
  const m = /^(\d+),(\d+),(\d+)$/.exec(value);
  const [steps, queries, rollouts] = m === null ? [] : [Number(m[1]), Number(m[2]), Number(m[3])];
  if (steps === undefined || queries === undefined || rollouts === undefined || !(steps >= 1 && queries >= 1 && rollouts >= 1)) {
    throw new UsageError(`--training must be STEPS,QUERIES,ROLLOUTS (integers >= 1), got ${JSON.stringify(value)}`);
  }
  return { trainingSteps: steps, queriesPerStep: queries, rolloutsPerQuery: rollouts };
}

type Plan = { kind: 'traces'; opts: GenerateOptions } | { kind: 'training'; opts: TrainingOptions };

function parse(argv: string[]): { out: string; gzip: boolean; plan: Plan } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      out: { type: 'string', short: 'o' },
      gzip: { type: 'boolean', default: false },
      seed: { type: 'string' },
      queries: { type: 'string' },
      trajectories: { type: 'string' },
      steps: { type: 'string' },
      'per-query': { type: 'string' },
      judgments: { type: 'string' },
      text: { type: 'string' },
      'no-rubrics': { type: 'boolean', default: false },
      training: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.out === undefined || values.out === '') throw new UsageError('--out FILE is required (use - for stdout)');
  if (values.text !== undefined && values.text !== 'short' && values.text !== 'normal') {
    throw new UsageError(`--text must be short or normal, got ${JSON.stringify(values.text)}`);
  }
  const gzip = values.gzip || values.out.endsWith('.gz');
  if (values.training !== undefined) {
    for (const name of ['trajectories', 'per-query'] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} does not apply to --training (STEPS,QUERIES,ROLLOUTS sets the size)`);
    }
    if (values['no-rubrics']) throw new UsageError('--no-rubrics does not apply to --training (the RoRo run needs its rubrics)');
    const opts: TrainingOptions = {
      ...trainingArg(values.training),
      seed: integer(values.seed, 'seed', Number.MIN_SAFE_INTEGER),
      queryPool: integer(values.queries, 'queries', 1),
      steps: rangeArg(values.steps, 'steps'),
      judgmentsPerTrajectory: rangeArg(values.judgments, 'judgments'),
      textSize: values.text as 'short' | 'normal' | undefined,
    };
    for (const key of Object.keys(opts) as (keyof TrainingOptions)[]) if (opts[key] === undefined) delete opts[key];
    return { out: values.out, gzip, plan: { kind: 'training', opts } };
  }
  const queries = integer(values.queries, 'queries', 0);
  const limit = integer(values.trajectories, 'trajectories', 0);
  let perQuery = integer(values['per-query'], 'per-query', 1);
  if (limit !== undefined && queries !== undefined && perQuery === undefined && queries > 0) {
    perQuery = Math.max(1, Math.ceil(limit / (queries * DEMO_RUNS.length)));
  }
  const opts: GenerateOptions = {
    seed: integer(values.seed, 'seed', Number.MIN_SAFE_INTEGER),
    queries,
    limit,
    trajectoriesPerQueryPerRun: perQuery,
    steps: rangeArg(values.steps, 'steps'),
    judgmentsPerTrajectory: rangeArg(values.judgments, 'judgments'),
    textSize: values.text as 'short' | 'normal' | undefined,
    withRubrics: !values['no-rubrics'],
  };
  // Drop unset keys so the library's defaults apply.
  for (const key of Object.keys(opts) as (keyof GenerateOptions)[]) if (opts[key] === undefined) delete opts[key];
  return { out: values.out, gzip, plan: { kind: 'traces', opts } };
}

const CHUNK_CHARS = 1 << 20;

async function main(): Promise<void> {
  const { out, gzip, plan } = parse(process.argv.slice(2));
  // Validates the options before any file is created.
  const planned = plan.kind === 'training' ? plannedRollouts(plan.opts) : plannedTrajectories(plan.opts);
  const lines = plan.kind === 'training' ? generateTrainingTraces(plan.opts) : generateTraces(plan.opts);
  const started = performance.now();
  const toStdout = out === '-';
  const tmp = toStdout ? '' : `${out}.tmp-${process.pid}`;
  const target: Writable = toStdout ? process.stdout : createWriteStream(tmp);
  const gz = gzip ? createGzip() : undefined;
  const sink: Writable = gz ?? target;
  // Resolves when everything is flushed to the target; rejects on any stream error.
  const finished = gz !== undefined ? pipeline(gz, target) : once(target, 'finish').then(() => undefined);
  finished.catch(() => undefined); // observed below; avoid an unhandled rejection in the meantime

  let trajectories = 0;
  let steps = 0;
  let bytes = 0;
  let chunk = '';
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!sink.write(text)) await Promise.race([once(sink, 'drain'), finished]);
  };
  try {
    for (const line of lines) {
      chunk += JSON.stringify(line) + '\n';
      trajectories++;
      steps += line.steps.length;
      if (chunk.length >= CHUNK_CHARS) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk.length > 0) await write(chunk);
    if (!toStdout || gz !== undefined) sink.end();
    if (toStdout && gz === undefined) {
      if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    } else {
      await finished;
    }
    if (!toStdout) await rename(tmp, out);
  } catch (error) {
    if (!toStdout) await rm(tmp, { force: true });
    throw error;
  }

  const seconds = (performance.now() - started) / 1000;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const size = !toStdout && gz !== undefined ? ` (${mb((await stat(out)).size)} gzip)` : '';
  process.stderr.write(
    `generate: ${trajectories} ${plan.kind === 'training' ? 'rollouts' : 'trajectories'}${trajectories < planned ? ' (fewer than planned)' : ''}, ${steps} steps, ` +
      `${mb(bytes)} JSONL${size} -> ${out} in ${seconds.toFixed(1)} s (seed ${plan.opts.seed ?? 42})\n`,
  );
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (`| head`) is a normal way for a reader to stop.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`generate: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof RangeError) {
    process.stderr.write(`generate: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`generate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
