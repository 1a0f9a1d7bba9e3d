// The routing migration upgrades a database of the previous version in place: every stored trajectory
// gets its contribution and per-step values as lib/domain computes them (with its labels), and the
// per-run rollups are their sums; nothing else changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { routingContribution, stepRouting } from '@/lib/domain';
import { generateTraces } from '@/lib/generate';
import { normalizeLine } from '@/lib/ingest/normalize';
import { copyIntArray, copyNumber, copyRows, copyText } from '@/lib/ingest/copy';
import { insertDims, STEP_COLUMNS, stepCopyRows, TRAJECTORY_COLUMNS, trajectoryCopyRows, type Dims } from '@/lib/ingest/store';
import { traceLineSchema } from '@/lib/schemas/trace';
import { closePool } from '@/lib/db/pool';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';
import { expectRollupsExact, RECOMPUTE } from './helpers/rollups';
import { rounded, storedTrajectories } from './helpers/routing';

const MIGRATION = '20261201225809_routing_decisions';

let old: UpgradeDatabase;

const step = (index: number, model: string, probs?: Record<string, number>) => ({
  index,
  model,
  text: `step ${index}`,
  tokens_in: 10,
  tokens_out: 5,
  ...(probs ? { router: { probs } } : {}),
});
const MODELS = [
  { id: 'small', usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 },
  { id: 'twin-b', usd_per_mtok_in: 0.5, usd_per_mtok_out: 2 },
  { id: 'twin-a', usd_per_mtok_in: 0.5, usd_per_mtok_out: 2 },
];
// Edge cases of the SQL: equal prices (the smaller id is the pricier), a tie at the top, a model left
// out of probs, sums of 0.995, an empty probs, one step.
const HAND = [
  {
    format: 'routelens.trace.v1',
    id: 'edge/0',
    run: { id: 'edge' },
    query: { id: 'edge/q0', text: 'Edge cases' },
    models: MODELS,
    steps: [
      step(0, 'small', { small: 0.5, 'twin-a': 0.5 }),
      step(1, 'twin-b', { small: 0.6, 'twin-b': 0.395 }),
      step(2, 'twin-a', {}),
      step(3, 'twin-b'),
      step(4, 'small', { small: 1 }),
    ],
    correct: true,
    rubric: { id: 'edge/r', criteria: [{ id: 'c', text: 'c', weight: 1, scale: { kind: 'ternary' } }] },
    judgments: [
      { criterion: 'c', steps: [4, 1], score: 1 },
      { criterion: 'c', steps: [4], score: -1, judge: 'other' },
      { criterion: 'c', score: 0 },
    ],
  },
  {
    format: 'routelens.trace.v1',
    id: 'edge/1',
    run: { id: 'edge' },
    query: { id: 'edge/q1', text: 'One step' },
    models: MODELS,
    steps: [step(0, 'twin-a', { 'twin-a': 0.9, small: 0.1 })],
    correct: false,
  },
];

beforeAll(async () => {
  old = await databaseBefore(MIGRATION);
  // Written as the previous version's ingest wrote them: its tables, its COPY rows.
  const lines = [...generateTraces({ seed: 11, queries: 8 }), ...HAND].map((l) => normalizeLine(traceLineSchema.parse(l)));
  const client = old.client as unknown as pg.PoolClient;
  const dims: Dims = { models: new Map(), runs: new Map(), queries: new Map(), rubrics: new Map() };
  for (const n of lines) {
    for (const m of n.models) dims.models.set(m.id, m);
    dims.runs.set(n.run.id, n.run);
    dims.queries.set(n.query.id, n.query);
    if (n.rubric) dims.rubrics.set(n.rubric.id, n.rubric);
  }
  await client.query('BEGIN');
  await insertDims(client, dims);
  const items = lines.map((norm, i) => ({ pk: i + 1, norm }));
  // The training columns and the stored step rubric scores came after this migration (and last in
  // the row): the previous version's rows have none of them.
  const before = TRAJECTORY_COLUMNS.filter((c) => !c.startsWith('training_') && c !== 'step_rubric_scores');
  const dropTraining = function* (rows: Iterable<string>) {
    for (const r of rows) yield r.split('\t').slice(0, before.length).join('\t');
  };
  await copyRows(client, 'trajectories', before, dropTraining(trajectoryCopyRows(items)));
  await copyRows(client, 'steps', STEP_COLUMNS, stepCopyRows(items));
  // Judgments as they were before labels moved to items (labels_on_items): no item.
  const oldJudgments = items.flatMap(({ pk, norm }) =>
    norm.judgments.map(
      (j) =>
        `${pk}\t${j.position}\t${copyText(j.criterionId)}\t${copyIntArray(j.steps)}\t${copyNumber(j.judgeScore)}\t${copyText(j.rationale)}\t${copyText(j.judge)}`,
    ),
  );
  await copyRows(client, 'judgments', ['trajectory_pk', 'position', 'criterion_id', 'steps', 'judge_score', 'rationale', 'judge'], oldJudgments);
  // Human labels: the newest one of a judgment is its effective score.
  await client.query(
    `INSERT INTO labels (judgment_id, version, score, author)
     SELECT j.id, v, CASE WHEN c.kind = 'numeric' THEN c.scale_max WHEN v = 1 THEN 1 ELSE 0 END, 'ann'
       FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
      CROSS JOIN generate_series(1, 2) AS v
      WHERE j.id % 3 = 0 AND cardinality(j.steps) > 0`,
  );
  // The run rollups as the previous version kept them (equal to their recomputation).
  for (const table of ['run_stats', 'run_model_stats']) {
    // Only the columns the table had then: later migrations add their own (and fill them).
    const had = new Set((await client.query(`SELECT * FROM ${table} LIMIT 0`)).fields.map((f) => f.name));
    const cols = (await client.query(`SELECT * FROM (${RECOMPUTE[table]}) q LIMIT 0`)).fields
      .filter((f) => had.has(f.name))
      .map((f) => `"${f.name}"`)
      .join(', ');
    await client.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM (${RECOMPUTE[table]}) q`);
  }
  await client.query('COMMIT');
  expect(await old.migrate()).toContain(MIGRATION);
  process.env.DATABASE_URL = old.url;
});

afterAll(async () => {
  await closePool();
  await old?.drop();
});

describe('the routing migration', () => {
  it('stores every trajectory’s contribution as lib/domain computes it, labels included', async () => {
    const all = await storedTrajectories(old.client);
    const rows = await old.client.query('SELECT * FROM trajectory_routing ORDER BY trajectory_pk');
    expect(rows.rows.map((r) => r.trajectory_pk)).toEqual(all.map((t) => t.pk));
    // The labelled steps make the quality sums differ from the judge's: the labels are in.
    expect((await old.client.query('SELECT count(*) AS n FROM labels')).rows[0].n).not.toBe('0');
    rows.rows.forEach((r, i) => {
      const c = routingContribution(all[i]!);
      expect(
        rounded({
          models: r.models,
          position_steps: r.position_steps,
          switches: r.switches,
          escalations: r.escalations,
          deescalations: r.deescalations,
          router_steps: r.router_steps,
          not_argmax: r.not_argmax,
          chosen_histogram: r.chosen_histogram,
          entropy_histogram: r.entropy_histogram,
          scored_by_model: r.scored_by_model,
          score_sum_by_model: r.score_sum_by_model,
          scored_by_bin: r.scored_by_bin,
          score_sum_by_bin: r.score_sum_by_bin,
        }),
        all[i]!.id,
      ).toEqual(
        rounded({
          models: c.models,
          position_steps: c.positionSteps.flat(),
          switches: c.switches,
          escalations: c.escalations,
          deescalations: c.deescalations,
          router_steps: c.routerSteps,
          not_argmax: c.notArgmax,
          chosen_histogram: c.chosenProbabilityHistogram,
          entropy_histogram: c.normalizedEntropyHistogram,
          scored_by_model: c.scoredByModel,
          score_sum_by_model: c.scoreSumByModel,
          scored_by_bin: c.scoredByBin,
          score_sum_by_bin: c.scoreSumByBin,
        }),
      );
    });
  });

  it('stores the per-step values of the replay and the export', async () => {
    const all = await storedTrajectories(old.client);
    const rows = await old.client.query('SELECT * FROM trajectory_routing_steps ORDER BY trajectory_pk');
    expect(rows.rows.length).toBe(all.length);
    rows.rows.forEach((r, i) => {
      const want = stepRouting(all[i]!.models, all[i]!.steps);
      expect(r.escalations, all[i]!.id).toBe(want.map((s) => (s.escalation === 'up' ? 'u' : s.escalation === 'down' ? 'd' : '-')).join(''));
      expect(rounded(r.chosen_probability)).toEqual(rounded(want.map((s) => s.chosenProbability)));
      expect(rounded(r.normalized_entropy)).toEqual(rounded(want.map((s) => s.normalizedEntropy)));
    });
    const edge = rows.rows[all.findIndex((t) => t.id === 'edge/0')]!;
    // twin-b -> twin-a: equal prices, and the smaller id is the pricier one: an escalation.
    expect(edge.escalations).toBe('-uudd');
  });

  it('fills the per-run rollups with the sums of the contributions', async () => {
    await expectRollupsExact();
    const n = await old.client.query('SELECT sum(trajectories) AS n FROM run_routing_stats');
    expect(Number(n.rows[0].n)).toBe((await storedTrajectories(old.client)).length);
  });
});
