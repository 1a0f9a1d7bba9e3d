// The read routes over generated traces, each figure checked against lib/domain computed from the very
// lines that were ingested: runs, every filter's total, the keyset walk of every sort, the detail of
// a trajectory of 2,500 steps paged, scores, cost and pairs.
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildPreferencePairs,
  costBreakdown,
  counterfactualCosts,
  trajectoryFigures,
  type CriterionDef,
  type RewardSettings,
  type TrajectoryFigures,
} from '@/lib/domain';
import { DEMO_RUNS, generateTraces, renderJsonl, type TraceLine } from '@/lib/generate';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getRuns } from '@/app/api/runs/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { GET as getTrajectory } from '@/app/api/trajectories/[id]/route';
import { GET as getCost } from '@/app/api/trajectories/[id]/cost/route';
import { GET as getScores } from '@/app/api/trajectories/[id]/scores/route';
import type { TrajectoryListItem, TrajectoryListPage } from '@/lib/server/queries/trajectory-list';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('readgen');

const LINES: TraceLine[] = [
  ...generateTraces({ seed: 7, queries: 8, trajectoriesPerQueryPerRun: 3, steps: { min: 2, max: 30 } }),
  ...generateTraces({ seed: 8, queries: 1, runs: [{ ...DEMO_RUNS[2]!, id: 'long' }], steps: 2_500, judgmentsPerTrajectory: 40 }),
];
const LONG = LINES[LINES.length - 1]!;

const pricesOf = (l: TraceLine) => l.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out }));

function figuresOf(l: TraceLine, settings?: RewardSettings): TrajectoryFigures {
  const criteria: CriterionDef[] = (l.rubric?.criteria ?? []).map((c) => ({ id: c.id, weight: c.weight, scale: c.scale }));
  const input = {
    models: pricesOf(l),
    steps: stepInputs(l),
    correct: l.correct,
    criteria,
    judgments: (l.judgments ?? []).map((j) => ({ criterion: j.criterion, steps: j.steps ?? [], judgeScore: j.score })),
  };
  return trajectoryFigures(input, settings);
}
const stepInputs = (l: TraceLine) => l.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd }));
const FIGURES = new Map(LINES.map((l) => [l.id, figuresOf(l)]));
const fig = (id: string) => FIGURES.get(id)!;

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
// Response bodies are JSON whose every field the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function call(handler: unknown, path: string, params: Record<string, string> = {}): Promise<Body> {
  const res = await (handler as Handler)(new Request(`http://localhost${path}`), { params: Promise.resolve(params as never) });
  expect(res.status, path).toBe(200);
  return res.json();
}

beforeAll(async () => {
  const summary = await ingestText(renderJsonl(LINES));
  expect(summary).toMatchObject({ stored: LINES.length, failed: 0 });
});

describe('runs', () => {
  it('match lib/domain over the lines of each run', async () => {
    const { runs } = await call(getRuns, '/api/runs');
    expect(runs.map((r: { id: string }) => r.id).sort()).toEqual([...new Set(LINES.map((l) => l.run.id))].sort());
    for (const run of runs) {
      const lines = LINES.filter((l) => l.run.id === run.id);
      const figs = lines.map((l) => fig(l.id));
      const withProcess = figs.filter((f) => f.processScore !== null);
      expect(run.trajectories).toBe(lines.length);
      expect(run.accuracy).toBeCloseTo(lines.filter((l) => l.correct).length / lines.length, 12);
      expect(run.mean_cost_usd).toBeCloseTo(figs.reduce((s, f) => s + f.costUsd, 0) / lines.length, 12);
      expect(run.mean_process_score).toBeCloseTo(withProcess.reduce((s, f) => s + f.processScore!, 0) / withProcess.length, 9);
      expect(run.mean_reward).toBeCloseTo(figs.reduce((s, f) => s + f.reward, 0) / lines.length, 9);
      const steps = lines.flatMap((l) => l.steps);
      expect(run.steps).toBe(steps.length);
      for (const [model, share] of Object.entries(run.step_share_by_model)) {
        expect(share).toBeCloseTo(steps.filter((s) => s.model === model).length / steps.length, 12);
      }
    }
  });
});

describe('the list', () => {
  const FILTERS: [string, (l: TraceLine) => boolean][] = [
    ['run=roro-s800', (l) => l.run.id === 'roro-s800'],
    ['correct=true', (l) => l.correct],
    ['benchmark=GSM8K', (l) => l.query.benchmark === 'GSM8K'],
    ['model=qwen3-32b', (l) => l.steps.some((s) => s.model === 'qwen3-32b')],
    ['min_cost=0.0005', (l) => fig(l.id).costUsd >= 0.0005],
    ['run=outcome-rl&correct=false', (l) => l.run.id === 'outcome-rl' && !l.correct],
    ['labelled=false', () => true],
  ];
  it.each(FILTERS)('%s: total and items match the lines', async (query, keep) => {
    const expected = LINES.filter(keep).map((l) => l.id);
    expect(expected.length).toBeGreaterThan(0);
    const body = await call(getList, `/api/trajectories?${query}&limit=500`);
    expect(body.total).toBe(expected.length);
    expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(expected.sort());
  });

  const KEY: Record<string, (i: TrajectoryListItem) => number | string | null> = {
    id: (i) => i.id,
    cost: (i) => i.cost_usd,
    process_score: (i) => i.process_score,
    reward: (i) => i.reward,
    steps: (i) => i.steps,
    ingested_at: (i) => i.ingested_at,
  };
  it.each(
    Object.keys(KEY).flatMap((s) => [
      [s, 'asc'],
      [s, 'desc'],
    ]),
  )('walks sort=%s order=%s in pages of 7 without gaps or repeats', async (sort, order) => {
    const seen: TrajectoryListItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: TrajectoryListPage = await call(getList, `/api/trajectories?sort=${sort}&order=${order}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.items);
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(seen.map((i) => i.id).sort()).toEqual(LINES.map((l) => l.id).sort());
    const keys = seen.map(KEY[sort]!);
    const firstNull = keys.indexOf(null);
    if (firstNull >= 0) expect(keys.slice(firstNull).every((k) => k === null)).toBe(true); // nulls last
    const values = firstNull >= 0 ? keys.slice(0, firstNull) : keys;
    for (let k = 1; k < values.length; k++) {
      const [a, b] = [values[k - 1]!, values[k]!];
      expect(order === 'asc' ? a <= b : a >= b, `${a} then ${b}`).toBe(true);
    }
  });
});

describe('one trajectory', () => {
  it('has the step costs, cumulative costs and rubric scores of lib/domain', async () => {
    for (const l of LINES.slice(0, 12)) {
      const body = await call(getTrajectory, '/x', { id: l.id });
      const f = fig(l.id);
      expect(body.steps.map((s: { cost_usd: number }) => s.cost_usd)).toEqual(f.stepCosts);
      expect(body.steps.map((s: { cumulative_cost_usd: number }) => s.cumulative_cost_usd)).toEqual(f.cumulativeCosts);
      expect(body.steps.map((s: { rubric_score: number | null }) => s.rubric_score)).toEqual(f.stepRubricScores);
      expect(body.steps.map((s: { text: string }) => s.text)).toEqual(l.steps.map((s) => s.text));
      expect(body.steps.map((s: { given_cost_usd: number | null }) => s.given_cost_usd)).toEqual(l.steps.map((s) => s.cost_usd ?? null));
      expect(body).toMatchObject({
        cost_usd: f.costUsd,
        all_largest_usd: f.allLargestUsd,
        savings: f.savings,
        process_score: f.processScore,
        reward: f.reward,
      });
      expect(body.models).toEqual(l.models);
      expect(body.run).toEqual({ policy: null, meta: null, ...l.run });
      expect(body.meta).toEqual(l.meta ?? null);
    }
  });

  it('pages the steps of a long trajectory, 2,000 by default, with exact cumulative costs', async () => {
    const f = fig(LONG.id);
    const first = await call(getTrajectory, '/x?fields=light', { id: LONG.id });
    expect(first.steps).toHaveLength(2_000);
    expect(first).toMatchObject({ steps_total: 2_500, steps_from: 0, steps_next: 2_000 });
    const second = await call(getTrajectory, `/x?steps_from=${first.steps_next}`, { id: LONG.id });
    expect(second.steps.map((s: { index: number }) => s.index)).toEqual(Array.from({ length: 500 }, (_, i) => 2_000 + i));
    expect(second.steps_next).toBeNull();
    const all = [...first.steps, ...second.steps];
    expect(all.map((s) => s.cumulative_cost_usd)).toEqual(f.cumulativeCosts);
    expect(all.map((s) => s.rubric_score)).toEqual(f.stepRubricScores);
    const mid = await call(getTrajectory, '/x?steps_from=1234&steps_limit=3', { id: LONG.id });
    expect(mid.steps.map((s: { cumulative_cost_usd: number }) => s.cumulative_cost_usd)).toEqual(f.cumulativeCosts.slice(1234, 1237));
    expect(mid.steps_next).toBe(1237);
  });

  it('scores and cost match lib/domain', async () => {
    for (const l of [...LINES.slice(0, 12), LONG]) {
      const f = fig(l.id);
      const scores = await call(getScores, '/x?lambda=0.8&mu=0.3', { id: l.id });
      expect(scores.steps.map((s: { rubric_score: number | null }) => s.rubric_score)).toEqual(f.stepRubricScores);
      expect(scores.criteria.map((c: { id: string; weight: number; score: number | null }) => ({ id: c.id, weight: c.weight, score: c.score }))).toEqual(
        f.criterionScores,
      );
      expect(scores.process_score).toBe(f.processScore);
      expect(scores.reward).toBe(figuresOf(l, { lambda: 0.8, mu: 0.3 }).reward);
      const cost = await call(getCost, '/x', { id: l.id });
      expect(cost.cost_usd).toBe(f.costUsd);
      expect(cost.cumulative_usd).toEqual(f.cumulativeCosts);
      expect(cost.all_largest_model).toBe(f.allLargestModel);
      expect(cost.all_largest_usd).toBe(f.allLargestUsd);
      expect(cost.savings).toBe(f.savings);
      expect(cost.counterfactual_usd).toEqual(counterfactualCosts(stepInputs(l), pricesOf(l)));
      expect(cost.by_model).toEqual(
        costBreakdown(stepInputs(l), f.stepCosts).map((b) => ({
          model: b.model,
          steps: b.steps,
          tokens_in: b.tokensIn,
          tokens_out: b.tokensOut,
          cost_usd: b.costUsd,
          share: b.share,
        })),
      );
    }
  });
});

describe('pairs', () => {
  it('match buildPreferencePairs over the lines of each query', async () => {
    for (const queryId of new Set(LINES.slice(0, 30).map((l) => l.query.id))) {
      const candidates = LINES.filter((l) => l.query.id === queryId).map((l) => ({
        id: l.id,
        correct: l.correct,
        processScore: fig(l.id).processScore,
        costUsd: fig(l.id).costUsd,
      }));
      const body = await call(getPairs, '/x?delta_p=0.05&ratio_c=1.1&cap=20', { id: queryId });
      expect(body.pairs).toEqual(buildPreferencePairs(candidates, { deltaP: 0.05, ratioC: 1.1, cap: 20 }));
      expect(body.pairs.length).toBeGreaterThan(0);
    }
  });
});

// Last: it replaces a trajectory, which the figures above do not expect.
describe('the rollups behind the model filter', () => {
  async function expectModelCountsMatch(pool: pg.Pool) {
    const r = await pool.query(`
      SELECT s.run_id, s.model, s.trajectories, coalesce(x.n, 0)::int AS n
        FROM run_model_stats s
        LEFT JOIN (SELECT run_id, m AS model, count(*) AS n FROM trajectories, unnest(models_used) AS m GROUP BY 1, 2) x USING (run_id, model)`);
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) expect(row.trajectories, `${row.run_id} ${row.model}`).toBe(row.n);
  }

  it('count the trajectories of each run per model used, through ingest and replace', async () => {
    await expectModelCountsMatch(db.pool());
    const before = await call(getList, '/api/trajectories?model=qwen3-32b&run=roro-s800');
    const line = structuredClone(LINES.find((l) => l.run.id === 'roro-s800' && l.steps.some((s) => s.model === 'qwen3-32b'))!);
    line.steps = line.steps.map(({ router: _router, ...s }) => ({ ...s, model: 'qwen3-1.7b' }));
    expect(await ingestText(renderJsonl([line]), { replace: true })).toMatchObject({ replaced: 1, failed: 0 });
    await expectModelCountsMatch(db.pool());
    const after = await call(getList, '/api/trajectories?model=qwen3-32b&run=roro-s800&limit=500');
    expect(after.total).toBe(before.total - 1);
    expect(after.items).toHaveLength(after.total);
  });
});
