// Routing decisions (scoring.md): the stored contributions and the per-run rollups equal lib/domain's
// recomputation from the stored rows after ingest, replace, relabel and deletion, and GET /api/routing
// answers a filter (and a judge setting) as lib/domain does over the same trajectories.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getRouting } from '@/app/api/routing/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { addStoredToRollups, RollupDeltas } from '@/lib/db/rollups';
import { withTransaction } from '@/lib/db/pool';
import { routingContribution, stepRouting } from '@/lib/domain';
import { generateTraces, serializeLine } from '@/lib/generate';
import { addLabel } from '@/lib/server/labels';
import { filteredTotals, stepRoutingPage, type RoutingAnswer } from '@/lib/server/queries/routing';
import { parseTrajectoryFilter } from '@/lib/schemas/filters';
import type { Actor } from '@/lib/server/auth';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { expectRollupsExact } from './helpers/rollups';
import { expectedAnswer, rounded, storedTrajectories, type StoredTrajectory } from './helpers/routing';
import { ingestText, jsonl, withChange, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('routing');

const SMALL = { id: 'small', usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 };
const MID = { id: 'mid', usd_per_mtok_in: 0.3, usd_per_mtok_out: 1.2 };
const LARGE = { id: 'large', usd_per_mtok_in: 0.8, usd_per_mtok_out: 3.2 };
const RUBRIC = {
  id: 'hand/rubric',
  criteria: [
    { id: 'c1', text: 'Crux on the large model.', weight: 2, scale: { kind: 'binary' } },
    { id: 'c2', text: 'Arithmetic right.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
  ],
};

const step = (index: number, model: string, probs?: Record<string, number>): Json => ({
  index,
  model,
  text: `step ${index}`,
  tokens_in: 10,
  tokens_out: 5,
  ...(probs ? { router: { probs } } : {}),
});
const hand = (id: string, steps: Json[], correct: boolean, judgments: Json[] = []): Json => ({
  format: 'routelens.trace.v1',
  id,
  run: { id: 'hand', policy: 'roro' },
  query: { id: `hand/${id}`, benchmark: 'HAND', text: `Query ${id}` },
  models: [SMALL, MID, LARGE],
  steps,
  correct,
  rubric: RUBRIC,
  judgments,
});

// The cases of the unit tests, through the whole pipeline: one step, a tie at the top, a router that
// names only some models, probabilities summing to 0.995, steps without router or judgments, an empty probs.
const HAND_LINES: Json[] = [
  hand('one-step', [step(0, 'large', { small: 0.2, large: 0.8 })], true, [{ criterion: 'c1', steps: [0], score: 1, judge: 'judge-v2' }]),
  hand(
    'four-steps',
    [
      step(0, 'small', { small: 0.7, mid: 0.3 }),
      step(1, 'large', { small: 0.4, large: 0.4, mid: 0.2 }),
      step(2, 'mid'),
      step(3, 'mid', { small: 0.6, mid: 0.395 }),
    ],
    false,
    [
      { criterion: 'c2', steps: [0], score: 5, judge: 'judge-v2' },
      { criterion: 'c1', steps: [2], score: 1, judge: 'judge-v1' },
      { criterion: 'c2', steps: [3, 2], score: 2.5, judge: 'judge-v2' },
      { criterion: 'c2', score: 7, judge: 'judge-v2' },
    ],
  ),
  hand('no-router', [step(0, 'small'), step(1, 'small'), step(2, 'large', {})], true),
  hand(
    'escalating',
    ['small', 'large', 'small', 'large', 'mid', 'large'].map((m, i) => step(i, m, m === 'small' ? { small: 0.9, large: 0.1 } : { [m]: 0.9, small: 0.1 })),
    true,
    [{ criterion: 'c1', steps: [1, 3, 5], score: 0, judge: 'judge-v1' }],
  ),
];

async function answer(params: Record<string, string>): Promise<RoutingAnswer> {
  const res = await call(getRouting, { path: `/api/routing?${new URLSearchParams(params)}` });
  expect(res.status).toBe(200);
  return json<RoutingAnswer>(res);
}

const expected = expectedAnswer;

/** The rollups of every run, and of all runs together, equal lib/domain over the stored rows. */
async function rollupsMatchRows(): Promise<void> {
  const all = await storedTrajectories(db.pool());
  const runs = [...new Set(all.map((t) => t.run))];
  for (const run of runs) {
    expect(rounded(await answer({ run })), run).toEqual(
      expected(
        all.filter((t) => t.run === run),
        'rollups',
      ),
    );
  }
  expect(rounded(await answer({}))).toEqual(expected(all, 'rollups'));
  await expectRollupsExact();
  // No run left with a row that sums to something when it has no trajectories.
  const empty = await db
    .pool()
    .query(
      'SELECT run_id FROM run_routing_stats s WHERE NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.run_id = s.run_id) AND (trajectories <> 0 OR steps <> 0)',
    );
  expect(empty.rows).toEqual([]);
}

async function perStepValuesMatchRows(): Promise<void> {
  const all = await storedTrajectories(db.pool());
  const rows = await db
    .pool()
    .query<{ trajectory_pk: number; escalations: string; chosen_probability: (number | null)[]; normalized_entropy: (number | null)[] }>(
      'SELECT * FROM trajectory_routing_steps ORDER BY trajectory_pk',
    );
  expect(rows.rows.map((r) => r.trajectory_pk)).toEqual(all.map((t) => t.pk));
  rows.rows.forEach((r, i) => {
    const want = stepRouting(all[i]!.models, all[i]!.steps);
    expect(r.escalations).toBe(want.map((s) => (s.escalation === 'up' ? 'u' : s.escalation === 'down' ? 'd' : '-')).join(''));
    expect(r.chosen_probability).toEqual(want.map((s) => s.chosenProbability));
    expect(r.normalized_entropy).toEqual(want.map((s) => s.normalizedEntropy));
  });
}

const admin: Actor = { userId: null, username: 'admin', name: 'Admin', role: 'admin', via: 'local' };

describe('routing rollups', () => {
  beforeAll(async () => {
    const generated = [...generateTraces({ seed: 5, queries: 12, judgmentsPerTrajectory: { min: 2, max: 5 } })].map(serializeLine);
    const s = await ingestText(jsonl([...generated, ...HAND_LINES]));
    expect(s.errors).toEqual([]);
  });

  it('equal lib/domain over the stored rows after ingest, per run and over all runs', async () => {
    await rollupsMatchRows();
    await perStepValuesMatchRows();
    const hand = await answer({ run: 'hand' });
    expect(hand.source).toBe('rollups');
    expect(hand.trajectories).toBe(4);
    expect(hand.switches.by_escalations.map((e) => e.trajectories)).toEqual([1, 2, 0, 1]);
    // An empty probs is no distribution: no-router has no step in the confidence figures.
    expect(hand.confidence.steps).toBe(1 + 3 + 0 + 6);
    expect(hand.confidence.share_not_argmax).toBe(1 / 10);
  });

  it("gives each page of a trajectory's steps the stored per-step values, the steps without probabilities null", async () => {
    const all = await storedTrajectories(db.pool());
    let nulls = 0;
    for (const t of all) {
      const want = stepRouting(t.models, t.steps).map((s) => ({
        escalation: s.escalation,
        chosen_probability: s.chosenProbability,
        normalized_entropy: s.normalizedEntropy,
      }));
      for (const [from, limit] of [
        [0, t.steps.length + 5],
        [1, 2],
        [t.steps.length, 3],
      ] as const) {
        expect(await stepRoutingPage(db.pool(), t.pk, from, limit)).toEqual(want.slice(from, from + limit));
      }
      nulls += want.filter((s) => s.chosen_probability === null).length;
    }
    expect(nulls).toBeGreaterThan(0);
  });

  it('follow a replace that changes models, outcome and router probabilities', async () => {
    const changed = [
      withChange(withChange(HAND_LINES[1]!, ['steps', 1, 'model'], 'small'), ['correct'], true),
      withChange(HAND_LINES[2]!, ['steps', 2, 'router'], { probs: { small: 0.5, large: 0.5 } }),
      withChange(withChange(HAND_LINES[3]!, ['judgments'], []), ['steps'], [step(0, 'small')]),
    ];
    const s = await ingestText(jsonl(changed), { replace: true });
    expect(s).toMatchObject({ replaced: 3, failed: 0 });
    await rollupsMatchRows();
    await perStepValuesMatchRows();
  });

  it('follow labels, which move step scores and so quality by decision', async () => {
    const j = await db.pool().query<{ id: number; version: number }>(
      `SELECT j.id, i.version FROM judgments j JOIN items i ON i.id = j.item_id JOIN trajectories t ON t.pk = j.trajectory_pk
        WHERE cardinality(j.steps) > 0 ORDER BY t.pk, j.position LIMIT 6`,
    );
    const before = await answer({});
    for (const row of j.rows) {
      const kind = await db.pool().query<{ kind: string; scale_max: number | null }>(
        `SELECT c.kind, c.scale_max FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk
           JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id WHERE j.id = $1`,
        [row.id],
      );
      const score = kind.rows[0]!.kind === 'numeric' ? kind.rows[0]!.scale_max! : kind.rows[0]!.kind === 'ternary' ? -1 : 0;
      await addLabel(admin, row.id, { score, rationale: null, expected_version: row.version });
    }
    await rollupsMatchRows();
    expect(rounded((await answer({})).quality)).not.toEqual(rounded(before.quality));
  });

  it('take out exactly what a deleted trajectory added', async () => {
    const victims = await db.pool().query<{ pk: number }>("SELECT pk FROM trajectories WHERE id IN ('one-step', 'four-steps') OR pk % 7 = 0");
    const pks = victims.rows.map((r) => r.pk);
    await withTransaction(async (c) => {
      const deltas = new RollupDeltas();
      await addStoredToRollups(c, pks, deltas, -1);
      await deltas.apply(c);
      await c.query('DELETE FROM trajectories WHERE pk = ANY($1::int[])', [pks]);
    });
    expect((await db.pool().query('SELECT count(*) AS n FROM trajectory_routing WHERE trajectory_pk = ANY($1::int[])', [pks])).rows[0].n).toBe(0);
    await rollupsMatchRows();
  });
});

describe('GET /api/routing', () => {
  it('answers a filter as lib/domain does over the same trajectories', async () => {
    const all = await storedTrajectories(db.pool());
    const runs = [...new Set(all.map((t) => t.run))].sort();
    const cases: [Record<string, string>, (t: StoredTrajectory) => boolean][] = [
      [{ correct: 'true' }, (t) => t.correct],
      [{ run: runs[0]!, correct: 'false' }, (t) => t.run === runs[0] && !t.correct],
      [{ model: 'qwen3-32b' }, (t) => t.modelsUsed.includes('qwen3-32b')],
      [{ benchmark: 'HAND' }, (t) => t.benchmark === 'HAND'],
      [{ run: 'no-such-run', correct: 'true' }, () => false],
      [{ escalations: '1' }, (t) => routingContribution(t).escalations === 1],
      [{ escalations: '3+', correct: 'true' }, (t) => routingContribution(t).escalations >= 3 && t.correct],
      [{ off_argmax: 'true' }, (t) => routingContribution(t).notArgmax > 0],
      [{ off_argmax: 'false', run: runs[1]! }, (t) => routingContribution(t).notArgmax === 0 && t.run === runs[1]],
    ];
    for (const [params, keep] of cases) {
      const got = await answer(params);
      expect(got.source).toBe('trajectories');
      expect(rounded(got), JSON.stringify(params)).toEqual(expected(all.filter(keep), 'trajectories'));
    }
  });

  it('sums a filter right when a trajectory has more models than the rollups bound it to', async () => {
    const filter = parseTrajectoryFilter(new URLSearchParams('correct=true'));
    const want = await filteredTotals(db.pool(), filter);
    const client = await db.pool().connect();
    try {
      await client.query('BEGIN');
      // The bound (most models of any run) falls to 1: the query sees wider lists and runs again.
      await client.query(`DELETE FROM run_routing_model_stats s WHERE s.model <> (SELECT min(model) FROM run_routing_model_stats x WHERE x.run_id = s.run_id)`);
      expect(await filteredTotals(client, filter)).toEqual(want);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('gives the list the escalations and off_argmax filters, selecting what lib/domain counts', async () => {
    const all = await storedTrajectories(db.pool());
    const cases: [Record<string, string>, (t: StoredTrajectory) => boolean][] = [
      [{ escalations: '0' }, (t) => routingContribution(t).escalations === 0],
      [{ escalations: '2' }, (t) => routingContribution(t).escalations === 2],
      [{ escalations: '3+' }, (t) => routingContribution(t).escalations >= 3],
      [{ off_argmax: 'true', correct: 'false' }, (t) => routingContribution(t).notArgmax > 0 && !t.correct],
    ];
    for (const [params, keep] of cases) {
      const res = await call(getList, { path: `/api/trajectories?${new URLSearchParams({ ...params, limit: '500' })}` });
      const body = await json<{ items: { id: string }[]; total: number }>(res);
      const want = all
        .filter(keep)
        .map((t) => t.id)
        .sort();
      expect(want.length, JSON.stringify(params)).toBeGreaterThan(0);
      expect(body.items.map((i) => i.id).sort(), JSON.stringify(params)).toEqual(want);
      expect(body.total).toBe(want.length);
    }
    const bad = await call(getList, { path: '/api/trajectories?escalations=4' });
    expect(bad.status).toBe(400);
  });

  it('applies a judge setting to quality by decision only', async () => {
    const judged = await storedTrajectories(db.pool(), 'judge-v2');
    for (const params of [{ judge: 'judge-v2' }, { judge: 'judge-v2', correct: 'true' }] as Record<string, string>[]) {
      const got = await answer(params);
      const keep = params.correct ? judged.filter((t) => t.correct) : judged;
      expect(rounded(got), JSON.stringify(params)).toEqual(expected(keep, params.correct ? 'trajectories' : 'rollups', 'judge-v2'));
    }
  });

  it('refuses a bad parameter with its name, and a judge that scored nothing', async () => {
    const res = await call(getRouting, { path: '/api/routing?correct=maybe' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/correct/);
    const judge = await call(getRouting, { path: '/api/routing?judge=nobody' });
    expect(judge.status).toBe(400);
    expect(JSON.stringify(await judge.json())).toMatch(/judge-v2/);
  });
});
