// Training runs (scoring.md "Training", api.md "Training"): the training object's rules, the per-step
// curve and the groups against lib/domain and against figures worked out by hand, the rollups against a
// recomputation after ingest, replace, relabel and removal, the step/group filters, and pairs by group.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getTraining } from '@/app/api/runs/[id]/training/route';
import { GET as getGroups } from '@/app/api/runs/[id]/groups/route';
import { GET as getGroup } from '@/app/api/runs/[id]/groups/[group]/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { GET as getDetail } from '@/app/api/trajectories/[id]/route';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getExport } from '@/app/api/exports/[kind]/route';
import { withTransaction } from '@/lib/db/pool';
import { RollupDeltas } from '@/lib/db/rollups';
import { contributionOfRow, recomputedTrainingGroups, stepsByModelOf, type TrainingFieldsRow } from '@/lib/db/training-rollups';
import { groupFigures, trainingCurve, type TrainingRolloutInput, type TrainingStepFigures } from '@/lib/domain';
import { startExport } from '@/lib/export/run';
import { pointsFromRollupsSql } from '@/lib/server/queries/training';
import { parseExportRequest } from '@/lib/schemas/exports';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { addLabel, bytesOf } from './helpers/export';
import { ingestText, jsonl, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('training');

// A step on S costs 1 USD, on L 4 USD (1,000,000 tokens in); the all-largest baseline is L: 4 per step.
const S = { id: 'S', usd_per_mtok_in: 1, usd_per_mtok_out: 0 };
const L = { id: 'L', usd_per_mtok_in: 4, usd_per_mtok_out: 0 };
const RUBRIC = {
  id: 'tr-rubric',
  criteria: [{ id: 'c2', text: 'Process quality.', weight: 1, scale: { kind: 'numeric', min: 0, max: 4 } }],
};
const Q = { q1: 'Find x.', q2: 'Find y.' } as const;

interface Spec {
  id: string;
  query: keyof typeof Q;
  step: number;
  group?: string;
  correct: boolean;
  /** c2 score (process = score / 4), or none. */
  score?: number;
  models: ('S' | 'L')[];
}

function line(s: Spec, run = 'tr'): Json {
  return {
    format: 'routelens.trace.v1',
    id: s.id,
    run: { id: run, policy: 'roro' },
    query: { id: s.query, text: Q[s.query] },
    models: [S, L],
    steps: s.models.map((m, index) => ({ index, model: m, text: `step ${index}`, tokens_in: 1_000_000, tokens_out: 0 })),
    correct: s.correct,
    rubric: RUBRIC,
    ...(s.score === undefined ? {} : { judgments: [{ criterion: 'c2', score: s.score }] }),
    training: s.group === undefined ? { step: s.step } : { step: s.step, group: s.group },
  };
}

const SPECS: Spec[] = [
  // step 0, group q1@0: rewards 1 + 0.5*0.75 - 0.1*0.625 = 1.3125, 0 + 0.125 - 0.025 = 0.1, 1 + 0 - 0.1 = 0.9
  { id: 'tr/r1', query: 'q1', step: 0, correct: true, score: 3, models: ['S', 'L'] },
  { id: 'tr/r2', query: 'q1', step: 0, correct: false, score: 1, models: ['S', 'S'] },
  { id: 'tr/r3', query: 'q1', step: 0, correct: true, models: ['L', 'L'] },
  // step 0, a group of one rollout
  { id: 'tr/r4', query: 'q2', step: 0, group: 'solo', correct: false, score: 2, models: ['S'] },
  // step 1, identical rollouts: no signal under any reward
  { id: 'tr/r5', query: 'q1', step: 1, correct: true, score: 2, models: ['S', 'L'] },
  { id: 'tr/r6', query: 'q1', step: 1, correct: true, score: 2, models: ['S', 'L'] },
  // step 1, no judgments: both right (no outcome signal), costs 0.25 and 1 apart
  { id: 'tr/r7', query: 'q2', step: 1, correct: true, models: ['S'] },
  { id: 'tr/r8', query: 'q2', step: 1, correct: true, models: ['L'] },
  // step 1: 1 + lambda * 0 = 0 + lambda * 0.5 at lambda = 2, the same cost: equal rewards without constant inputs
  { id: 'tr/r9', query: 'q1', step: 1, group: 'cancel', correct: true, score: 0, models: ['S', 'L'] },
  { id: 'tr/r10', query: 'q1', step: 1, group: 'cancel', correct: false, score: 2, models: ['S', 'L'] },
];

const cost = (models: string[]) => models.reduce((a, m) => a + (m === 'S' ? 1 : 4), 0);
function domainRollouts(specs: Spec[]): TrainingRolloutInput[] {
  return specs.map((s) => ({
    id: s.id,
    step: s.step,
    group: s.group ?? `${s.query}@${s.step}`,
    correct: s.correct,
    processScore: s.score === undefined ? null : s.score / 4,
    costUsd: cost(s.models),
    allLargestUsd: 4 * s.models.length,
    stepsByModel: Object.fromEntries(['S', 'L'].map((m) => [m, s.models.filter((x) => x === m).length]).filter(([, n]) => n)),
  }));
}

async function curve(run: string, qs = '') {
  const res = await call(getTraining, { path: `/api/runs/${run}/training?${qs}`, params: { id: run } });
  expect(res.status).toBe(200);
  return json<{ run: string; large_model: string; steps: Record<string, unknown>[] }>(res);
}

/**
 * The curve (from the group columns held in process, loaded on its first read and reloaded after any
 * change) is the very answer of the same figures evaluated in PostgreSQL, at the defaults and elsewhere.
 */
async function expectCurveAsSql(run: string) {
  for (const settings of [
    { lambda: 0.5, mu: 0.1 },
    { lambda: 2, mu: 0.1 },
    { lambda: 0, mu: 0 },
    { lambda: 1.7, mu: 3 },
    { lambda: 0.3, mu: 0.85 },
  ]) {
    const got = (await curve(run, `lambda=${settings.lambda}&mu=${settings.mu}`)).steps.map(({ step_share_by_model: _m, ...p }) => p);
    expect(got, `${settings.lambda}/${settings.mu}`).toEqual(await pointsFromRollupsSql(run, settings));
  }
}

async function groups(run: string, qs = '') {
  const res = await call(getGroups, { path: `/api/runs/${run}/groups?${qs}`, params: { id: run } });
  return {
    status: res.status,
    body: await json<{ items: Record<string, unknown>[]; next_cursor: string | null; total: number; error?: { message: string } }>(res),
  };
}

async function group(run: string, name: string, qs = '') {
  const res = await call(getGroup, { path: `/api/runs/${run}/groups/${encodeURIComponent(name)}?${qs}`, params: { id: run, group: name } });
  return { status: res.status, body: await json<Record<string, unknown> & { rollouts: Record<string, unknown>[] }>(res) };
}

/** Every stored group row of the run equals the recomputation from its rollouts (up to rounding), and no group is missing or extra. */
async function expectRollupsRecomputed(run: string): Promise<void> {
  const stored = (await db.pool().query('SELECT * FROM training_groups WHERE run_id = $1 ORDER BY name', [run])).rows;
  const fresh = await recomputedTrainingGroups(db.pool(), [run]);
  expect(stored.map((g) => g.name)).toEqual(fresh.map((g) => g.name));
  for (const [i, g] of stored.entries()) {
    const f = fresh[i]!;
    expect(f.query_id).toBe(f.query_id_max);
    expect(f.step).toBe(f.step_max);
    expect({
      query_id: g.query_id,
      step: g.step,
      rollouts: g.rollouts,
      correct: g.correct,
      n_process: g.n_process,
      same_process: g.same_process,
      same_cost_ratio: g.same_cost_ratio,
    }).toEqual({
      query_id: f.query_id,
      step: f.step,
      rollouts: f.rollouts,
      correct: f.correct,
      n_process: f.n_process,
      same_process: f.same_process,
      same_cost_ratio: f.same_cost_ratio,
    });
    for (const k of [
      'sum_cost_usd',
      'sum_process',
      'sum_cost_ratio',
      'dev_process',
      'dev_cost_ratio',
      'dev_process_sq',
      'dev_cost_ratio_sq',
      'dev_outcome_process',
      'dev_outcome_cost_ratio',
      'dev_process_cost_ratio',
    ]) {
      expect(g[k], `${g.name}.${k}`).toBeCloseTo(f[k] as number, 12);
    }
  }
  const models = (await db.pool().query('SELECT step, model, steps FROM training_step_models WHERE run_id = $1 ORDER BY step, model', [run])).rows;
  const freshModels = (
    await db.pool().query(
      `SELECT t.training_step AS step, s.model, count(*)::int AS steps FROM trajectories t JOIN steps s ON s.trajectory_pk = t.pk
        WHERE t.run_id = $1 AND t.training_step IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      [run],
    )
  ).rows;
  expect(models).toEqual(freshModels);
}

beforeAll(async () => {
  const s = await ingestText(jsonl(SPECS.map((x) => line(x))));
  expect(s).toMatchObject({ stored: SPECS.length, failed: 0 });
});

describe('the training object', () => {
  it('stores the step and the group, named or by default "<query.id>@<step>"', async () => {
    const rows = (await db.pool().query("SELECT id, training_step, training_group FROM trajectories WHERE id IN ('tr/r1', 'tr/r4') ORDER BY id")).rows;
    expect(rows).toEqual([
      { id: 'tr/r1', training_step: 0, training_group: 'q1@0' },
      { id: 'tr/r4', training_step: 0, training_group: 'solo' },
    ]);
  });

  it('shows them on the trajectory (GET /api/trajectories/{id}), the default group spelled out', async () => {
    const detail = async (id: string) =>
      json<{ training: unknown }>(await call(getDetail, { path: `/api/trajectories/${encodeURIComponent(id)}`, params: { id } }));
    expect((await detail('tr/r1')).training).toEqual({ step: 0, group: 'q1@0' });
    expect((await detail('tr/r4')).training).toEqual({ step: 0, group: 'solo' });
  });

  it('refuses a rollout whose group is stored with another query or step, with its path', async () => {
    const s = await ingestText(
      jsonl([
        line({ id: 'tr/bad1', query: 'q2', step: 0, group: 'q1@0', correct: true, models: ['S'] }),
        line({ id: 'tr/bad2', query: 'q1', step: 5, group: 'cancel', correct: true, models: ['S'] }),
        // Within one batch: the first line defines the group, the second contradicts it.
        line({ id: 'tr/new1', query: 'q1', step: 7, group: 'fresh', correct: true, models: ['S'] }),
        line({ id: 'tr/new2', query: 'q2', step: 7, group: 'fresh', correct: true, models: ['S'] }),
      ]),
    );
    expect(s).toMatchObject({ stored: 1, failed: 3 });
    expect(s.errors.map((e) => [e.line, e.id, e.path])).toEqual([
      [1, 'tr/bad1', '/training/group'],
      [2, 'tr/bad2', '/training/group'],
      [4, 'tr/new2', '/training/group'],
    ]);
    expect(s.errors[0]!.message).toMatch(/group "q1@0" of run "tr" is stored with query "q1" at training step 0/);
    expect(s.errors[1]!.message).toMatch(/training step 1/);
    // A default group name taken by an explicit group of another query: the path is the training object.
    const d = await ingestText(
      jsonl([
        line({ id: 'tr/bad3', query: 'q2', step: 7, correct: true, models: ['S'] }),
        { ...line({ id: 'tr/bad4', query: 'q1', step: 8, correct: true, models: ['S'] }), training: { step: 8, group: 'q2@7' } },
      ]),
    );
    expect(d).toMatchObject({ stored: 1, failed: 1 });
    expect(d.errors[0]).toMatchObject({ id: 'tr/bad4', path: '/training/group' });
    await withTransaction(async (c) => {
      const deltas = new RollupDeltas();
      await removeRollouts(c, ['tr/new1', 'tr/bad3'], deltas);
    });
  });

  it('needs a step, and takes no other key', async () => {
    const s = await ingestText(
      jsonl([
        { ...line(SPECS[0]!), id: 'tr/x1', training: { group: 'g' } },
        { ...line(SPECS[0]!), id: 'tr/x2', training: { step: 1, epoch: 2 } },
        { ...line(SPECS[0]!), id: 'tr/x3', training: { step: -1 } },
      ]),
    );
    expect(s.errors.map((e) => [e.path, e.message])).toEqual([
      ['/training/step', 'is required'],
      ['/training/epoch', 'unknown key "epoch"'],
      ['/training/step', 'must be >= 0'],
    ]);
  });

  it('reads a line without training exactly as before: no step, no group, no rollup', async () => {
    const plain = line(SPECS[0]!, 'plain');
    delete plain.training;
    const s = await ingestText(jsonl([{ ...plain, id: 'plain/1' }]));
    expect(s.stored).toBe(1);
    const res = await json<{ items: Record<string, unknown>[] }>(await call(getList, { path: '/api/trajectories?run=plain' }));
    expect(res.items[0]).toMatchObject({ id: 'plain/1', training_step: null, group: null });
    const detail = await json<{ training: unknown }>(await call(getDetail, { path: '/api/trajectories/plain%2F1', params: { id: 'plain/1' } }));
    expect(detail.training).toBeNull();
    expect((await db.pool().query("SELECT count(*)::int AS n FROM training_groups WHERE run_id = 'plain'")).rows[0].n).toBe(0);
    expect((await curve('plain')).steps).toEqual([]);
    // Naming the default group is the same content as naming none.
    const again = await ingestText(jsonl([{ ...line(SPECS[0]!), training: { step: 0, group: 'q1@0' } }]));
    expect(again).toMatchObject({ unchanged: 1, failed: 0 });
  });
});

/** Subtracts stored rollouts' contributions and deletes them, as deleting trajectories does. */
async function removeRollouts(c: import('pg').PoolClient, ids: string[], deltas: RollupDeltas): Promise<void> {
  const rows = (
    await c.query<TrainingFieldsRow & { pk: number }>(
      'SELECT pk, run_id, query_id, training_step, training_group, correct, process_score, cost_usd, all_largest_usd FROM trajectories WHERE id = ANY($1::text[])',
      [ids],
    )
  ).rows;
  const models = await stepsByModelOf(
    c,
    rows.map((r) => r.pk),
  );
  for (const r of rows) deltas.training.add(contributionOfRow(r, models.get(r.pk) ?? new Map()), -1);
  await deltas.apply(c);
  await c.query('DELETE FROM trajectories WHERE pk = ANY($1::int[])', [rows.map((r) => r.pk)]);
}

describe('GET /api/runs/{id}/training', () => {
  it('gives the per-step figures worked out by hand, equal to lib/domain', async () => {
    const body = await curve('tr');
    expect(body.large_model).toBe('L');
    expect(body.steps.map((s) => s.step)).toEqual([0, 1]);
    const [s0, s1] = body.steps as [Record<string, number | null | Record<string, number>>, Record<string, number | null | Record<string, number>>];
    expect(s0).toMatchObject({ rollouts: 4, groups: 2, accuracy: 0.5, mean_cost_usd: 4, no_signal_share_outcome: 0, no_signal_share: 0 });
    expect(s0.mean_process_score).toBeCloseTo(0.5, 15);
    expect(s0.mean_reward).toBeCloseTo((1.3125 + 0.1 + 0.9 + 0.225) / 4, 14);
    expect(s0.step_share_by_model).toEqual({ S: 4 / 7, L: 3 / 7 });
    expect(s0.mean_group_reward_std).toBeCloseTo(groupFigures(domainRollouts(SPECS.slice(0, 3))).std!, 14);
    expect(s1).toMatchObject({ rollouts: 6, groups: 3, accuracy: 5 / 6 });
    expect(s1.no_signal_share_outcome).toBeCloseTo(2 / 3, 15);
    expect(s1.no_signal_share).toBeCloseTo(1 / 3, 15);

    const snake = (d: TrainingStepFigures) => ({
      step: d.step,
      rollouts: d.rollouts,
      groups: d.groups,
      accuracy: d.accuracy,
      mean_cost_usd: d.meanCostUsd,
      mean_process_score: d.meanProcessScore,
      mean_reward: d.meanReward,
      step_share_by_model: d.stepShareByModel,
      mean_group_reward_std: d.meanGroupRewardStd,
      no_signal_share_outcome: d.noSignalShareOutcome,
      no_signal_share: d.noSignalShare,
    });
    for (const settings of [
      { lambda: 0.5, mu: 0.1 },
      { lambda: 2, mu: 0.1 },
      { lambda: 0, mu: 0 },
      { lambda: 1.7, mu: 3 },
    ]) {
      const got = await curve('tr', `lambda=${settings.lambda}&mu=${settings.mu}`);
      const want = trainingCurve(domainRollouts(SPECS), settings).map(snake);
      expect(got.steps.length).toBe(want.length);
      got.steps.forEach((g, i) => {
        const w = want[i]!;
        for (const [k, v] of Object.entries(w)) {
          if (typeof v === 'number') expect(g[k], `${settings.lambda}/${settings.mu} step ${w.step} ${k}`).toBeCloseTo(v, 12);
          else expect(g[k], `${k}`).toEqual(v);
        }
      });
    }
    // At lambda 2 the cancelling group has no signal: decided from its rollouts, as the moments cannot.
    const at2 = await curve('tr', 'lambda=2&mu=0.1');
    expect(at2.steps[1]!.no_signal_share).toBeCloseTo(2 / 3, 15);
    await expectCurveAsSql('tr');
  });

  it('is 404 for an unknown run and 400 for a bad lambda', async () => {
    expect((await call(getTraining, { path: '/api/runs/nope/training', params: { id: 'nope' } })).status).toBe(404);
    const bad = await call(getTraining, { path: '/api/runs/tr/training?lambda=x', params: { id: 'tr' } });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/lambda/);
  });
});

describe('GET /api/runs/{id}/groups', () => {
  it("lists a step's groups with their figures, filtered, sorted and paged", async () => {
    const { body } = await groups('tr', 'step=1');
    expect(body.total).toBe(3);
    expect(body.items).toEqual([
      { group: 'cancel', query_id: 'q1', step: 1, rollouts: 2, accuracy: 0.5, reward_std: expect.any(Number), no_signal_outcome: false, no_signal: false },
      { group: 'q1@1', query_id: 'q1', step: 1, rollouts: 2, accuracy: 1, reward_std: 0, no_signal_outcome: true, no_signal: true },
      { group: 'q2@1', query_id: 'q2', step: 1, rollouts: 2, accuracy: 1, reward_std: expect.any(Number), no_signal_outcome: true, no_signal: false },
    ]);
    expect(body.items[2]!.reward_std).toBeCloseTo(groupFigures(domainRollouts(SPECS.slice(6, 8))).std!, 14);
    const solo = await groups('tr', 'step=0&sort=rollouts');
    expect(solo.body.items.map((g) => [g.group, g.reward_std, g.no_signal_outcome, g.no_signal])).toEqual([
      ['solo', null, null, null],
      ['q1@0', expect.any(Number), false, false],
    ]);
    // lambda 2: the cancelling group has no signal (from its rollouts), std 0.
    const at2 = await groups('tr', 'step=1&lambda=2&no_signal=true');
    expect(at2.body.items.map((g) => [g.group, g.reward_std])).toEqual([
      ['cancel', 0],
      ['q1@1', 0],
    ]);
    const noOutcome = await groups('tr', 'no_signal_outcome=true&sort=reward_std&order=desc');
    expect(noOutcome.body.items.map((g) => g.group)).toEqual(['q2@1', 'q1@1']);
    expect(noOutcome.body.total).toBe(2);
    // Paged by a cursor, in reward_std order with the one-rollout group last.
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof groups>> = await groups('tr', `sort=reward_std&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.total).toBe(5);
      seen.push(...page.body.items.map((g) => g.group));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['q1@1', 'q2@1', 'cancel', 'q1@0', 'solo']);
    expect((await groups('tr', 'cursor=xyz')).status).toBe(400);
    // A forged cursor whose value the sort column's type cannot hold is a 400, not PostgreSQL's cast error.
    const forged = (sort: string, value: string) => Buffer.from(JSON.stringify([sort, 'asc', value, 1])).toString('base64url');
    for (const [sort, value] of [
      ['step', '1.5'],
      ['step', '99999999999'],
      ['step', '1e5'],
      ['rollouts', '-1.25'],
      ['accuracy', '1e999'],
      ['reward_std', '-1e400'],
    ] as const) {
      const res = await groups('tr', `sort=${sort}&order=asc&cursor=${forged(sort, value)}`);
      expect(res.status, `${sort} ${value}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error?.message).toMatch(/"cursor"/);
    }
    expect((await groups('tr', `sort=step&order=asc&cursor=${forged('step', '1')}`)).status).toBe(200);
    expect((await groups('tr', 'step=3..1')).status).toBe(400);
  });
});

describe('GET /api/runs/{id}/groups/{group}', () => {
  it("gives the rollouts' advantages, scaled advantages, ranks and ranks under the outcome", async () => {
    const { status, body } = await group('tr', 'q1@0');
    expect(status).toBe(200);
    expect(body).toMatchObject({ group: 'q1@0', query_id: 'q1', step: 0, no_signal: false, no_signal_outcome: false });
    const by = Object.fromEntries(body.rollouts.map((r) => [r.id, r]));
    expect(by['tr/r1']).toMatchObject({ correct: true, process_score: 0.75, cost_usd: 5, reward: 1.3125, rank: 1, rank_outcome: 1 });
    expect(by['tr/r2']).toMatchObject({ correct: false, process_score: 0.25, cost_usd: 2, rank: 3, rank_outcome: 3 });
    expect(by['tr/r3']).toMatchObject({ correct: true, process_score: null, cost_usd: 8, rank: 2, rank_outcome: 1 });
    expect(by['tr/r2']!.reward).toBeCloseTo(0.1, 15);
    const mean = (1.3125 + 0.1 + 0.9) / 3;
    expect(by['tr/r1']!.advantage).toBeCloseTo(1.3125 - mean, 14);
    const std = Math.sqrt(((1.3125 - mean) ** 2 + (0.1 - mean) ** 2 + (0.9 - mean) ** 2) / 2);
    expect(by['tr/r3']!.scaled_advantage).toBeCloseTo((0.9 - mean) / std, 13);
    expect(body.reward_std).toBeCloseTo(std, 14);
  });

  it('has no advantages for one rollout, none but zeros for identical ones, and names its group with slashes', async () => {
    expect((await group('tr', 'solo')).body.rollouts[0]).toMatchObject({ id: 'tr/r4', advantage: null, scaled_advantage: null, rank: 1 });
    const same = await group('tr', 'q1@1', 'lambda=3&mu=2');
    expect(same.body).toMatchObject({ no_signal: true, reward_std: 0 });
    for (const r of same.body.rollouts) expect(r).toMatchObject({ advantage: 0, scaled_advantage: null, rank: 1, rank_outcome: 1 });
    expect((await group('tr', 'nope')).status).toBe(404);
    const s = await ingestText(jsonl([line({ id: 'tr/slash', query: 'q2', step: 9, group: 'a/b@9', correct: true, models: ['S'] })]));
    expect(s.stored).toBe(1);
    expect((await group('tr', 'a/b@9')).body).toMatchObject({ group: 'a/b@9', step: 9 });
  });
});

describe('the rollups', () => {
  it('equal a recomputation after ingest, replace, relabel and removal', async () => {
    await expectRollupsRecomputed('tr');
    await expectCurveAsSql('tr');
    // Replace: r2 becomes right with other steps, r7 moves to a new group of another step.
    const r = await ingestText(jsonl([line({ ...SPECS[1]!, correct: true, models: ['L'] }), line({ ...SPECS[6]!, step: 4, group: 'moved' })]), {
      replace: true,
    });
    expect(r).toMatchObject({ replaced: 2, failed: 0 });
    await expectRollupsRecomputed('tr');
    await expectCurveAsSql('tr');
    expect((await group('tr', 'moved')).body).toMatchObject({ step: 4, query_id: 'q2' });
    // Relabel: the process score of r1 moves from 0.75 to 0.25, and back.
    await addLabel(db.pool(), 'tr/r1', 0, { score: 1, author: 'Ann' });
    await expectRollupsRecomputed('tr');
    await expectCurveAsSql('tr');
    const relabelled = await group('tr', 'q1@0');
    expect(relabelled.body.rollouts.find((x) => x.id === 'tr/r1')).toMatchObject({ process_score: 0.25 });
    await addLabel(db.pool(), 'tr/r1', 0, { score: 3, author: 'Ann' });
    await expectRollupsRecomputed('tr');
    await expectCurveAsSql('tr');
    // The curve follows: one more rollout at step 4, one fewer at step 1.
    const c = await curve('tr');
    expect(c.steps.find((s) => s.step === 4)).toMatchObject({ rollouts: 1, groups: 1 });
    expect(c.steps.find((s) => s.step === 1)).toMatchObject({ rollouts: 5, groups: 3 });
    // Removal (sign -1), as deleting trajectories does: the emptied group goes, the rest recomputes.
    await withTransaction((client) => removeRollouts(client, ['tr/r7', 'tr/r5'], new RollupDeltas()));
    await expectRollupsRecomputed('tr');
    await expectCurveAsSql('tr');
    expect((await group('tr', 'moved')).status).toBe(404);
    expect((await curve('tr')).steps.find((s) => s.step === 4)).toBeUndefined();
    // An identical group made of rollouts added after others left still has its exact no signal.
    const g = await groups('tr', 'step=1');
    expect(g.body.items.map((x) => [x.group, x.rollouts])).toEqual([
      ['cancel', 2],
      ['q1@1', 1],
      ['q2@1', 1],
    ]);
  });
});

describe('the step and group filters', () => {
  it('select rollouts in the list, count them from the rollups, and carry training_step and group', async () => {
    const list = async (qs: string) =>
      json<{ items: { id: string; training_step: number; group: string }[]; total: number }>(await call(getList, { path: `/api/trajectories?${qs}` }));
    const one = await list('run=tr&step=0');
    expect(one.items.map((i) => i.id).sort()).toEqual(['tr/r1', 'tr/r2', 'tr/r3', 'tr/r4']);
    expect(one.total).toBe(4);
    expect(one.items.find((i) => i.id === 'tr/r4')).toMatchObject({ training_step: 0, group: 'solo' });
    const range = await list('run=tr&step=0..1&correct=false&sort=cost');
    expect(range.items.map((i) => i.id)).toEqual(['tr/r4', 'tr/r10']);
    expect(range.total).toBe(2);
    const byGroup = await list('group=cancel');
    expect(byGroup.items.map((i) => i.id).sort()).toEqual(['tr/r10', 'tr/r9']);
    expect((await list('step=0&q=Find')).total).toBe(4);
    const bad = await call(getList, { path: '/api/trajectories?step=1..x' });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/parameter "step"/);
  });

  it('select rollouts in every export, and the traces export carries training byte for byte', async () => {
    const run = await startExport(parseExportRequest('traces', new URLSearchParams({ format: 'jsonl', run: 'tr', step: '0' })));
    const lines = (await bytesOf(run.chunks)).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    const solo = lines.find((l) => l.includes('"tr/r4"'))!;
    expect(solo).toContain(',"training":{"step":0,"group":"solo"},"meta":');
    expect(lines.find((l) => l.includes('"tr/r3"'))).toContain(',"training":{"step":0},"meta":');
    // Ingesting the export back changes nothing.
    const again = await ingestText(lines.join('\n') + '\n');
    expect(again).toMatchObject({ unchanged: 4, failed: 0 });
    const steps = await startExport(parseExportRequest('steps', new URLSearchParams({ format: 'jsonl', group: 'cancel' })));
    const rows = (await bytesOf(steps.chunks))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { trajectory_id: string });
    expect(new Set(rows.map((r) => r.trajectory_id))).toEqual(new Set(['tr/r9', 'tr/r10']));
  });
});

describe('pairs', () => {
  it('scope=group pairs only rollouts of one group', async () => {
    const all = await json<{ pairs: { chosen: string; rejected: string }[] }>(
      await call(getPairs, { path: '/api/queries/q1/pairs?run=tr', params: { id: 'q1' } }),
    );
    const within = await json<{ scope: string; pairs: { chosen: string; rejected: string; group: string }[] }>(
      await call(getPairs, { path: '/api/queries/q1/pairs?run=tr&scope=group', params: { id: 'q1' } }),
    );
    expect(within.scope).toBe('group');
    const groupOf = new Map(
      (await db.pool().query("SELECT id, training_group FROM trajectories WHERE run_id = 'tr'")).rows.map((r) => [r.id, r.training_group]),
    );
    expect(within.pairs.length).toBeGreaterThan(0);
    expect(within.pairs.length).toBeLessThan(all.pairs.length);
    for (const p of within.pairs) {
      expect(groupOf.get(p.chosen)).toBe(groupOf.get(p.rejected));
      expect(p.group).toBe(groupOf.get(p.chosen));
    }
  });

  it('refuses a request or an export that could build more pairs than the limit, naming scope and cap', async () => {
    process.env.ROUTELENS_PAIRS_MAX = '5';
    try {
      const res = await call(getPairs, { path: '/api/queries/q1/pairs', params: { id: 'q1' } });
      expect(res.status).toBe(400);
      const err = (await json<{ error: { message: string; details: { parameters: string[]; pairs: number } } }>(res)).error;
      expect(err.message).toMatch(/scope=group/);
      expect(err.message).toMatch(/cap=/);
      expect(err.details).toMatchObject({ parameters: ['scope', 'cap'] });
      expect(err.details.pairs).toBeGreaterThan(5);
      expect((await call(getPairs, { path: '/api/queries/q1/pairs?scope=group', params: { id: 'q1' } })).status).toBe(200);
      expect((await call(getPairs, { path: '/api/queries/q1/pairs?cap=1', params: { id: 'q1' } })).status).toBe(200);
      const exp = await call(getExport, { path: '/api/exports/preferences?run=tr', params: { kind: 'preferences' } });
      expect(exp.status).toBe(400);
      expect((await json<{ error: { message: string } }>(exp)).error.message).toMatch(/scope=group.*cap=/s);
      const ok = await call(getExport, { path: '/api/exports/preferences?run=tr&scope=group', params: { kind: 'preferences' } });
      expect(ok.status, await ok.clone().text()).toBe(200);
      const pairs = (await ok.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { chosen_id: string; rejected_id: string });
      const groupOf = new Map(
        (await db.pool().query("SELECT id, training_group FROM trajectories WHERE run_id = 'tr'")).rows.map((r) => [r.id, r.training_group]),
      );
      for (const p of pairs) expect(groupOf.get(p.chosen_id)).toBe(groupOf.get(p.rejected_id));
    } finally {
      delete process.env.ROUTELENS_PAIRS_MAX;
    }
  });
});

describe('the judge setting', () => {
  it("computes the curve, the groups and a group from that judge's judgments", async () => {
    const judged = (id: string, a: number, b: number) => ({
      ...line({ id, query: 'q2', step: 0, correct: true, models: ['S'] }, 'tj'),
      judgments: [
        { criterion: 'c2', score: a, judge: 'ja' },
        { criterion: 'c2', score: b, judge: 'jb' },
      ],
    });
    expect(await ingestText(jsonl([judged('tj/1', 4, 0), judged('tj/2', 0, 4)]))).toMatchObject({ stored: 2, failed: 0 });
    // Every judgment: both rollouts score (1 + 0) / 2 = 0.5: identical, no signal.
    expect((await curve('tj')).steps[0]).toMatchObject({ no_signal_share: 1, mean_group_reward_std: 0, mean_process_score: 0.5 });
    const ja = await curve('tj', 'judge=ja');
    expect(ja).toMatchObject({ judge: 'ja' });
    expect(ja.steps[0]).toMatchObject({
      rollouts: 2,
      groups: 1,
      no_signal_share: 0,
      no_signal_share_outcome: 1,
      mean_process_score: 0.5,
      step_share_by_model: { S: 1 },
    });
    expect(ja.steps[0]!.mean_group_reward_std).toBeCloseTo(0.5 / Math.SQRT2, 15);
    const list = await groups('tj', 'judge=jb&step=0');
    expect(list.body.items).toEqual([expect.objectContaining({ group: 'q2@0', no_signal: false, no_signal_outcome: true })]);
    const g = await group('tj', 'q2@0', 'judge=jb');
    expect(g.body.rollouts.map((r) => [r.id, r.process_score, r.rank])).toEqual([
      ['tj/1', 0, 2],
      ['tj/2', 1, 1],
    ]);
    const unknown = await call(getTraining, { path: '/api/runs/tj/training?judge=nobody', params: { id: 'tj' } });
    expect(unknown.status).toBe(400);
    const message = (await json<{ error: { message: string } }>(unknown)).error.message;
    expect(message, message).toMatch(/"ja", "jb"|ja, jb/);
  });
});
