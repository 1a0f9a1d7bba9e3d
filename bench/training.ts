// Training benchmark (issue 10): the training routes on a run of 1,000,000 rollouts (500 training steps
// x 2,000 rollouts: 250 queries x GRPO groups of 8), loaded with COPY as ingest would store them
// (bench/data.ts copyLoad: the group and per-step rollups written batch by batch), server time of the
// route handlers in process, sign-in on and every request authenticated by an API key:
//
// - the whole curve, GET /api/runs/{id}/training, at λ and μ other than the defaults: goal p95 < 150 ms;
// - one step's groups, GET /api/runs/{id}/groups?step=: goal p95 < 50 ms;
// - one group, GET /api/runs/{id}/groups/{group}: goal p95 < 20 ms;
// each against GET /api/runs, all four in alternating rounds. Every request draws its own seeded
// λ, μ, step, group, sort, order and signal filter.
//
//   npx tsx --conditions=react-server bench/training.ts [--steps N] [--queries N] [--rounds N] [--keep] [--reuse DB]
import pg from 'pg';
import { closePool, poolConfig } from '@/lib/db/pool';
import { DEFAULT_MODELS, generateTraces, type RunSpec } from '@/lib/generate';
import { Rng } from '@/lib/generate/rng';
import type { TraceLine } from '@/lib/generate/trace-line';
import { DEFAULT_REWARD } from '@/lib/domain';
import { GROUP_SORT_FIELDS } from '@/lib/schemas/training';
import { GET as getRuns } from '@/app/api/runs/route';
import { GET as getCurve } from '@/app/api/runs/[id]/training/route';
import { GET as getGroups } from '@/app/api/runs/[id]/groups/route';
import { GET as getGroup } from '@/app/api/runs/[id]/groups/[group]/route';
import { benchApiKey, requireSignIn } from './auth';
import { flagArg, numberArg, runIfMain, stringArg } from './cli';
import { benchDatabase, copyLoad } from './data';
import { percentile, round, Samples, type BenchOutput } from './results';

export const GOALS_MS = { curve: 150, groups: 50, group: 20 } as const;
const RUN: RunSpec = {
  id: 'bench-training',
  policy: 'roro',
  models: ['qwen3-1.7b', 'qwen3-8b', 'qwen3-32b'],
  meta: { description: 'A GRPO training run for the training benchmark.', algorithm: 'GRPO', reward: 'roro' },
};
const ROLLOUTS_PER_GROUP = 8;
/** Requests of each kind per round (the curve once). */
const PER_ROUND = 3;

export interface BenchTrainingOptions {
  /** Training steps. Default 500. */
  steps?: number;
  /** Queries (groups) per step. Default 250 (x 8 rollouts = 2,000 a step). */
  queries?: number;
  rounds?: number;
  warmup?: number;
  keep?: boolean;
  reuse?: string;
  log?: (s: string) => void;
}

export interface TrainingTiming {
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  requests: number;
  p95_vs_runs: number;
  goal_ms?: number;
  meets_goal?: boolean;
}

export interface BenchTrainingResult {
  steps: number;
  rollouts: number;
  groups: number;
  load_seconds: number | null;
  runs: TrainingTiming;
  curve: TrainingTiming;
  groups_of_a_step: TrainingTiming;
  one_group: TrainingTiming;
}

/** The rollouts of every training step: `queries` groups of 8, 3 to 8 routed steps each, with judgments. */
function* trainingLines(steps: number, queries: number): Generator<TraceLine> {
  for (let step = 0; step < steps; step++) {
    for (const l of generateTraces({
      runs: [RUN],
      models: DEFAULT_MODELS,
      seed: 10_000 + step,
      queries,
      trajectoriesPerQueryPerRun: ROLLOUTS_PER_GROUP,
      steps: { min: 3, max: 8 },
      judgmentsPerTrajectory: { min: 2, max: 4 },
      textSize: 'short',
    })) {
      yield { ...l, id: `${RUN.id}/s${step}/${l.id.slice(RUN.id.length + 1)}`, training: { step } };
    }
  }
}

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

export async function benchTraining(opts: BenchTrainingOptions = {}): Promise<BenchOutput<BenchTrainingResult>> {
  const steps = opts.steps ?? 500;
  const queries = opts.queries ?? 250;
  const rounds = opts.rounds ?? 60;
  const warmup = opts.warmup ?? 3;
  const log = opts.log ?? ((s: string) => console.error(s));
  const { url, release } = await benchDatabase('benchtraining', 'training bench', { ...opts, log });
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  const restoreAuth = requireSignIn();
  const pool = new pg.Pool(poolConfig(url));
  try {
    let loadSeconds: number | null = null;
    if (!opts.reuse) {
      const t0 = performance.now();
      log(`training bench: loading ${steps} steps x ${queries * ROLLOUTS_PER_GROUP} rollouts`);
      // One training step per batch: its groups' rollups in one statement each.
      await copyLoad(url, trainingLines(steps, queries), log, { batch: queries * ROLLOUTS_PER_GROUP });
      await pool.query('VACUUM (ANALYZE) training_groups');
      await pool.query('ANALYZE');
      loadSeconds = (performance.now() - t0) / 1000;
      log(`training bench: loaded in ${loadSeconds.toFixed(0)} s`);
    }
    const counts = (
      await pool.query<{ steps: number; groups: number; rollouts: number }>(
        `SELECT count(DISTINCT step)::int AS steps, count(*)::int AS groups, sum(rollouts)::int AS rollouts FROM training_groups WHERE run_id = $1`,
        [RUN.id],
      )
    ).rows[0]!;
    if (counts.groups === 0) throw new Error(`no training groups of ${RUN.id} in the database`);
    const groupNames = (await pool.query<{ name: string; step: number }>(`SELECT name, step FROM training_groups WHERE run_id = $1`, [RUN.id])).rows;
    const stepIds = [...new Set(groupNames.map((g) => g.step))];
    const headers = (await benchApiKey('viewer', 'bench-training')).headers;
    const call = async (handler: unknown, path: string, params: Record<string, string>): Promise<number> => {
      const t0 = performance.now();
      const res = await (handler as Handler)(new Request(`http://localhost${path}`, { headers }), { params: Promise.resolve(params as never) });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
      return ms;
    };
    const rng = new Rng(10);
    // λ and μ drawn away from the defaults (a reward the rollups were not written for).
    const weights = () => {
      let lambda: number, mu: number;
      do {
        lambda = rng.int(0, 20) / 10;
        mu = rng.int(0, 20) / 20;
      } while (lambda === DEFAULT_REWARD.lambda && mu === DEFAULT_REWARD.mu);
      return `lambda=${lambda}&mu=${mu}`;
    };
    const base = `/api/runs/${encodeURIComponent(RUN.id)}`;
    const p = { id: RUN.id };
    const kinds: Record<string, () => Promise<number>> = {
      runs: () => call(getRuns, '/api/runs', {}),
      curve: () => call(getCurve, `${base}/training?${weights()}`, p),
      groups: () => {
        const signal = rng.pick(['', '&no_signal_outcome=true', '&no_signal=false']);
        return call(
          getGroups,
          `${base}/groups?step=${rng.pick(stepIds)}&${weights()}&sort=${rng.pick(GROUP_SORT_FIELDS)}&order=${rng.pick(['asc', 'desc'])}${signal}`,
          p,
        );
      },
      group: () => {
        const g = rng.pick(groupNames);
        return call(getGroup, `${base}/groups/${encodeURIComponent(g.name)}?${weights()}`, { ...p, group: g.name });
      },
    };
    const names: Record<string, string> = { runs: 'runs', curve: 'curve', groups: 'groups of a step', group: 'one group' };
    const samples = new Samples();
    samples.define('runs', { unit: 'ms' });
    for (const k of ['curve', 'groups', 'group']) samples.define(names[k]!, { unit: 'ms', baseline: 'runs' });
    for (let i = 0; i < warmup; i++) for (const k of Object.keys(kinds)) await kinds[k]!();
    for (let r = 0; r < rounds; r++) {
      const plan = [...Array(PER_ROUND).fill('runs'), 'curve', ...Array(PER_ROUND).fill('groups'), ...Array(PER_ROUND).fill('group')] as string[];
      const k = r % plan.length;
      for (const kind of [...plan.slice(k), ...plan.slice(0, k)]) samples.add(names[kind]!, round(await kinds[kind]!()));
      if ((r + 1) % 10 === 0 || r === rounds - 1) {
        log(
          `  round ${r + 1}/${rounds}: curve ${samples.values('curve').at(-1)!.toFixed(1)} ms, groups ${samples.values('groups of a step').at(-1)!.toFixed(1)} ms, group ${samples.values('one group').at(-1)!.toFixed(1)} ms, runs ${samples.values('runs').at(-1)!.toFixed(1)} ms`,
        );
      }
    }
    const stat = (name: string) => {
      const v = [...samples.values(name)].sort((a, b) => a - b);
      return { p50_ms: round(percentile(v, 50)), p95_ms: round(percentile(v, 95)), max_ms: round(v[v.length - 1]!), requests: v.length };
    };
    const runs = stat('runs');
    const figure = (name: string, goal: number): TrainingTiming => {
      const s = stat(name);
      return { ...s, p95_vs_runs: round(s.p95_ms / runs.p95_ms, 1), goal_ms: goal, meets_goal: s.p95_ms < goal };
    };
    const result: BenchTrainingResult = {
      steps: counts.steps,
      rollouts: counts.rollouts,
      groups: counts.groups,
      load_seconds: loadSeconds === null ? null : round(loadSeconds, 1),
      runs: { ...runs, p95_vs_runs: 1 },
      curve: figure('curve', GOALS_MS.curve),
      groups_of_a_step: figure('groups of a step', GOALS_MS.groups),
      one_group: figure('one group', GOALS_MS.group),
    };
    console.log(
      `\ntraining benchmark: ${result.rollouts.toLocaleString('en')} rollouts in ${result.groups.toLocaleString('en')} groups over ${result.steps} steps; ` +
        `p95: runs ${runs.p95_ms} ms, curve ${result.curve.p95_ms} ms (goal ${GOALS_MS.curve}), groups ${result.groups_of_a_step.p95_ms} ms (goal ${GOALS_MS.groups}), ` +
        `group ${result.one_group.p95_ms} ms (goal ${GOALS_MS.group})`,
    );
    return { figures: result, samples };
  } finally {
    await pool.end();
    await closePool();
    await release();
    restoreAuth();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  }
}

const cliOptions = {
  steps: numberArg('--steps'),
  queries: numberArg('--queries'),
  rounds: numberArg('--rounds'),
  keep: flagArg('--keep'),
  reuse: stringArg('--reuse'),
};
runIfMain(import.meta.filename, 'training', cliOptions, () => benchTraining(cliOptions));
