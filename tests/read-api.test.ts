// The read routes of api.md against a small hand-written fixture whose every figure is computed by hand
// below (and checked against lib/domain too): runs, the list with each filter and sort and its cursor,
// one trajectory with its steps paged, scores, cost, pairs, the query page and agreement.
import { beforeAll, describe, expect, it } from 'vitest';
import { recomputeTrajectory } from '@/lib/db/derived';
import { withTransaction } from '@/lib/db/pool';
import { buildPreferencePairs, cumulativeCosts } from '@/lib/domain';
import { GET as getAgreement } from '@/app/api/agreement/route';
import { GET as getCompare } from '@/app/api/compare/route';
import { GET as getDisagreements } from '@/app/api/agreement/disagreements/route';
import { GET as getQuery } from '@/app/api/queries/[id]/route';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getRuns } from '@/app/api/runs/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { GET as getTrajectory } from '@/app/api/trajectories/[id]/route';
import { GET as getCost } from '@/app/api/trajectories/[id]/cost/route';
import { GET as getScores } from '@/app/api/trajectories/[id]/scores/route';
import { parseTrajectoryFilter, SORT_FIELDS } from '@/lib/schemas/filters';
import { listTrajectories } from '@/lib/server/queries/trajectory-list';
import { useTestDatabase } from './helpers/db';
import { ingestText, jsonl, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('read');

// Prices in USD per million tokens. A small step of 100 in / 50 out costs 0.0002, a large one 0.002.
const SMALL = { id: 'small', params_b: 1, usd_per_mtok_in: 1, usd_per_mtok_out: 2 };
const LARGE = { id: 'large', params_b: 30, usd_per_mtok_in: 10, usd_per_mtok_out: 20 };
const Q1 = { id: 'q1', benchmark: 'MATH500', text: 'What is 50% of $2+2$?', reference_answer: '2' };
const Q2 = { id: 'q2', benchmark: 'GSM8K', text: 'Natalia sold 500 clips in April.', reference_answer: '500' };
const R1 = {
  id: 'q1/rubric',
  generator: 'rubricor-v3',
  criteria: [
    { id: 'c1', text: 'The crux goes to the large model.', weight: 2, scale: { kind: 'binary' } },
    { id: 'c2', text: 'The crux is done right.', weight: 1, scale: { kind: 'ternary' } },
    { id: 'c3', text: 'Routine work stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
  ],
};
const RUN_A = { id: 'runA', policy: 'roro', meta: { z: 1, a: 2 } };
const RUN_B = { id: 'runB', policy: 'all-large' };

const step = (index: number, model: string, tokens_in: number, tokens_out: number, extra: Json = {}) => ({
  index,
  model,
  text: `step ${index} on ${model}`,
  tokens_in,
  tokens_out,
  ...extra,
});
const line = (id: string, run: Json, query: Json, steps: Json[], correct: boolean, extra: Json = {}) => ({
  format: 'routelens.trace.v1',
  id,
  run,
  query,
  models: [SMALL, LARGE],
  steps,
  final_answer: correct ? '2' : '3',
  correct,
  ...extra,
});

// pk order = this order (one batch). Ids hold slashes, a space and a percent sign.
const T1 = 'runA/q1/r0';
const T2 = 'runB/q1/r0';
const T3 = 'runA/q2/r0';
const T4 = 'runB/q2/r0';
const T5 = 'runA/q1/r1 50%';
const FIXTURE = [
  // costs 0.0002, 0.002, 0.0002 = 0.0024; all-large 0.006; savings 0.6. Step 1 is named by two judgments.
  line(
    T1,
    RUN_A,
    Q1,
    [step(0, 'small', 100, 50, { router: { probs: { small: 0.9, large: 0.1 } }, latency_ms: 12 }), step(1, 'large', 100, 50), step(2, 'small', 100, 50)],
    true,
    {
      rubric: R1,
      judgments: [
        { criterion: 'c1', steps: [1], score: 1, rationale: 'crux on large', judge: 'judge-v2' },
        { criterion: 'c2', steps: [1, 2], score: 0 },
        { criterion: 'c3', score: 5 },
      ],
      meta: { z: 1, a: [1, 2] },
    },
  ),
  // 0.004 + 0.001 (given) = 0.005; all-large 0.004 + 0.002 = 0.006 (given costs do not count); savings 1/6.
  line(T2, RUN_B, Q1, [step(0, 'large', 200, 100), step(1, 'large', 100, 50, { cost_usd: 0.001 })], false, {
    rubric: R1,
    judgments: [
      { criterion: 'c1', steps: [0], score: 0 },
      { criterion: 'c2', steps: [0], score: -1 },
    ],
  }),
  // 0.001 + 0.001 = 0.002; all-large 0.02; savings 0.9; no rubric: process null.
  line(T3, RUN_A, Q2, [step(0, 'small', 1000, 500)], true),
  // 0.004; all-large 0.004; savings 0.
  line(T4, RUN_B, Q2, [step(0, 'large', 100, 50), step(1, 'large', 100, 50)], true),
  // 0.0004; all-large 0.004; savings 0.9.
  line(T5, RUN_A, Q1, [step(0, 'small', 100, 50), step(1, 'small', 100, 50)], true, {
    rubric: R1,
    judgments: [
      { criterion: 'c1', steps: [0], score: 1 },
      { criterion: 'c3', steps: [1], score: 10 },
    ],
  }),
];

/** Appends a human label the way the label route does: bump the item's version, write the label, recompute. */
async function addLabel(trajectoryId: string, position: number, author: string, score: number) {
  await withTransaction(async (c) => {
    const j = await c.query<{ id: number; version: number; trajectory_pk: number }>(
      `UPDATE items i SET version = i.version + 1 FROM judgments j, trajectories t
        WHERE i.id = j.item_id AND t.pk = j.trajectory_pk AND t.id = $1 AND j.position = $2 RETURNING i.id, i.version, i.trajectory_pk`,
      [trajectoryId, position],
    );
    const row = j.rows[0]!;
    await c.query('INSERT INTO labels (item_id, version, score, author) VALUES ($1, $2, $3, $4)', [row.id, row.version, score, author]);
    await recomputeTrajectory(c, row.trajectory_pk);
  });
}

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
// Response bodies are JSON whose every field the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function call(handler: unknown, path: string, params: Record<string, string> = {}): Promise<{ status: number; body: Body }> {
  const res = await (handler as Handler)(new Request(`http://localhost${path}`), { params: Promise.resolve(params as never) });
  return { status: res.status, body: await res.json() };
}
const list = (query: string) => call(getList, `/api/trajectories?${query}`);
const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

beforeAll(async () => {
  const summary = await ingestText(jsonl(FIXTURE));
  expect(summary).toMatchObject({ stored: 5, failed: 0 });
  // Labels (newest wins): T1 c1 judge 1 -> alice 1, bob 0; T1 c2 judge 0 -> alice 1; T1 c3 judge 5 -> alice 7, bob 7;
  // T2 c1 judge 0 -> alice 0, bob 0; T5 c1 judge 1 -> alice 1; T5 c3 judge 10 -> alice 10, bob 6.
  await addLabel(T1, 1, 'alice', 1);
  await addLabel(T1, 0, 'alice', 1);
  await addLabel(T1, 0, 'bob', 0);
  await addLabel(T2, 0, 'alice', 0);
  await addLabel(T2, 0, 'bob', 0);
  await addLabel(T5, 0, 'alice', 1);
  await addLabel(T1, 2, 'alice', 7);
  await addLabel(T1, 2, 'bob', 7);
  await addLabel(T5, 1, 'alice', 10);
  await addLabel(T5, 1, 'bob', 6);
});

// The figures after the labels, by hand:
// T1: effective c1 0 (w2), c2 (1+1)/2 = 1 (w1), c3 0.7 (w1); process (0 + 1 + 0.7) / 4 = 0.425;
//     step scores [null, (2*0 + 1*1)/3, 1]; reward 1 + 0.5*0.425 - 0.1*0.4 = 1.1725.
// T2: c1 0, c2 0; process 0; reward 0 + 0 - 0.1*(0.005/0.006).
// T3: process null; reward 1 - 0.1*0.1 = 0.99.   T4: reward 1 - 0.1 = 0.9.
// T5: c1 1 (w2), c3 0.6 (w1); process 2.6/3; reward 1 + 0.5*2.6/3 - 0.1*0.1.
const EXPECT = {
  [T1]: { cost: 0.0024, process: 0.425, reward: 1.1725, savings: 0.6, steps: 3 },
  [T2]: { cost: 0.005, process: 0, reward: -0.1 * (5 / 6), savings: 1 / 6, steps: 2 },
  [T3]: { cost: 0.002, process: null, reward: 0.99, savings: 0.9, steps: 1 },
  [T4]: { cost: 0.004, process: null, reward: 0.9, savings: 0, steps: 2 },
  [T5]: { cost: 0.0004, process: 2.6 / 3, reward: 1 + 1.3 / 3 - 0.01, savings: 0.9, steps: 2 },
} as const;

describe('GET /api/runs', () => {
  it('gives each run its figures from the rollups', async () => {
    const { status, body } = await call(getRuns, '/api/runs');
    expect(status).toBe(200);
    expect(body.runs.map((r: { id: string }) => r.id)).toEqual(['runA', 'runB']);
    const [a, b] = body.runs;
    expect(a).toMatchObject({ id: 'runA', policy: 'roro', meta: { z: 1, a: 2 }, trajectories: 3, correct: 3, accuracy: 1, steps: 6 });
    expect(a.mean_cost_usd).toBeCloseTo(0.0048 / 3, 15);
    expect(a.mean_process_score).toBeCloseTo((0.425 + 2.6 / 3) / 2, 12);
    expect(a.n_process_score).toBe(2);
    expect(a.mean_savings).toBeCloseTo(0.8, 12);
    expect(a.mean_reward).toBeCloseTo((1.1725 + 0.99 + 1 + 1.3 / 3 - 0.01) / 3, 12);
    expect(a.step_share_by_model).toEqual({ small: 5 / 6, large: 1 / 6 });
    expect(a.cost_by_model.small).toBeCloseTo(0.0028, 15);
    expect(a.cost_by_model.large).toBeCloseTo(0.002, 15);
    expect(a.models.map((m: { id: string }) => m.id)).toEqual(['small', 'large']); // costliest first
    expect(a.models[0]).toMatchObject({ id: 'small', params_b: 1, usd_per_mtok_in: 1, usd_per_mtok_out: 2, steps: 5, tokens_in: 1400, tokens_out: 700 });
    expect(a.models[0].cost_share).toBeCloseTo(0.0028 / 0.0048, 12);

    expect(b).toMatchObject({ id: 'runB', policy: 'all-large', meta: null, trajectories: 2, correct: 1, accuracy: 0.5, steps: 4, n_process_score: 1 });
    expect(b.mean_cost_usd).toBeCloseTo(0.0045, 15);
    expect(b.mean_process_score).toBe(0);
    expect(b.mean_savings).toBeCloseTo(1 / 12, 12);
    expect(b.mean_reward).toBeCloseTo((-0.5 / 6 + 0.9) / 2, 12);
    expect(b.step_share_by_model).toEqual({ large: 1 });
  });

  it('says null, not 0, for a run without trajectories', async () => {
    await db.pool().query(`INSERT INTO runs (id, policy, content_hash) VALUES ('runZ', NULL, 'x')`);
    try {
      const { body } = await call(getRuns, '/api/runs');
      const z = body.runs.find((r: { id: string }) => r.id === 'runZ');
      expect(z).toMatchObject({
        trajectories: 0,
        accuracy: null,
        mean_cost_usd: null,
        mean_process_score: null,
        mean_savings: null,
        mean_reward: null,
        steps: 0,
        step_share_by_model: {},
      });
    } finally {
      await db.pool().query(`DELETE FROM runs WHERE id = 'runZ'`);
    }
  });
});

describe('GET /api/trajectories', () => {
  it('lists every trajectory with its stored figures', async () => {
    const { status, body } = await list('limit=500');
    expect(status).toBe(200);
    expect(body.total).toBe(5);
    expect(body.next_cursor).toBeNull();
    expect(ids(body)).toEqual([T1, T5, T3, T2, T4]); // by id
    for (const item of body.items) {
      const e = EXPECT[item.id as keyof typeof EXPECT];
      expect(item.cost_usd).toBeCloseTo(e.cost, 15);
      if (e.process === null) expect(item.process_score).toBeNull();
      else expect(item.process_score).toBeCloseTo(e.process, 12);
      expect(item.reward).toBeCloseTo(e.reward, 12);
      expect(item.savings).toBeCloseTo(e.savings, 12);
      expect(item.steps).toBe(e.steps);
    }
    const t2 = body.items.find((i: { id: string }) => i.id === T2);
    expect(t2).toMatchObject({ run_id: 'runB', query_id: 'q1', benchmark: 'MATH500', correct: false, labelled: true, query_text: Q1.text });
    expect(body.items.find((i: { id: string }) => i.id === T3).labelled).toBe(false);
  });

  const FILTERS: [string, string[]][] = [
    ['run=runA', [T1, T5, T3]],
    ['query=q1', [T1, T5, T2]],
    ['benchmark=GSM8K', [T3, T4]],
    ['correct=false', [T2]],
    ['correct=true', [T1, T5, T3, T4]],
    ['model=large', [T1, T2, T4]],
    ['min_cost=0.0021', [T1, T2, T4]],
    ['max_cost=0.0021', [T5, T3]],
    ['min_cost=0.001&max_cost=0.003', [T1, T3]],
    ['labelled=true', [T1, T5, T2]],
    ['labelled=false', [T3, T4]],
    ['q=natalia', [T3, T4]],
    // "%" is a character, not a wildcard: q2's "500" does not match "50%".
    ['q=50%25', [T1, T5, T2]],
    ['run=runA&correct=true&model=large', [T1]],
    ['run=nope', []],
    // Counted from the rollups (run, correct, model; labelled=false as their count less the labelled).
    ['run=runB&correct=false', [T2]],
    ['model=small', [T1, T5, T3]],
    ['run=runA&model=large', [T1]],
    ['model=nope', []],
    ['correct=true&labelled=false', [T3, T4]],
    ['model=large&labelled=false', [T4]],
    ['benchmark=MATH500&min_cost=0.001', [T1, T2]],
  ];
  it.each(FILTERS)('filters by %s, with the exact total', async (query, expected) => {
    const { status, body } = await list(`${query}&limit=500`);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
    expect(body.total).toBe(expected.length);
  });

  const SORTS: [string, string[]][] = [
    ['id', [T1, T5, T3, T2, T4]],
    ['cost', [T5, T3, T1, T4, T2]],
    ['reward', [T2, T4, T3, T1, T5]],
    ['steps', [T3, T2, T4, T5, T1]], // ties by pk (ingest order)
    ['ingested_at', [T1, T2, T3, T4, T5]], // one batch: one timestamp, then pk
  ];
  it.each(SORTS)('sorts by %s both ways', async (sort, ascending) => {
    expect(ids((await list(`sort=${sort}&order=asc`)).body)).toEqual(ascending);
    // Descending reverses the pk tie-break too, so it is the exact reverse.
    expect(ids((await list(`sort=${sort}&order=desc`)).body)).toEqual([...ascending].reverse());
  });

  it('sorts by process score with the nulls last in both orders', async () => {
    expect(ids((await list('sort=process_score&order=asc')).body)).toEqual([T2, T1, T5, T3, T4]);
    expect(ids((await list('sort=process_score&order=desc')).body)).toEqual([T5, T1, T2, T4, T3]);
  });

  it.each(['id', 'cost', 'process_score', 'reward', 'steps', 'ingested_at'].flatMap((s) => [`${s}&order=asc`, `${s}&order=desc`]))(
    'walks sort=%s one item at a time: every item once, in the order of the whole list',
    async (sortOrder) => {
      const whole = ids((await list(`sort=${sortOrder}&limit=500`)).body);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const { status, body } = await list(`sort=${sortOrder}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(status).toBe(200);
        expect(body.total).toBe(5);
        walked.push(...ids(body));
        cursor = body.next_cursor;
      } while (cursor !== null && walked.length <= 10);
      expect(walked).toEqual(whole);
    },
  );

  // A cost band is read through a window in sort order first, then through the cost index when the
  // window holds too few rows: a window of one row makes every page take the second way.
  it.each(['min_cost=0.001', 'max_cost=0.0021', 'min_cost=0.001&max_cost=0.003&correct=true', 'max_cost=0.0021&q=natalia'])(
    'pages a cost band (%s) the same whichever way it is read',
    async (band) => {
      for (const sort of SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          const params = new URLSearchParams(`${band}&sort=${sort}&order=${order}`);
          const whole = ids((await list(`${params}&limit=500`)).body);
          const filter = parseTrajectoryFilter(params);
          const walked: string[] = [];
          let cursor: string | undefined;
          for (let n = 0; n < 10; n++) {
            const page = await listTrajectories(filter, { sort, order, limit: 1, cursor }, { window: 1 });
            walked.push(...page.items.map((i) => i.id));
            if (page.next_cursor === null) break;
            cursor = page.next_cursor;
          }
          expect(walked, `${band} sort=${sort} ${order}`).toEqual(whole);
        }
      }
    },
  );

  // A cost band that the column statistics say is most of the table is counted as the rollups' count
  // less the rows outside it: the same total either way, whichever side the statistics pick.
  it('counts every cost band exactly, with and without column statistics', async () => {
    const costs: number[] = (await db.pool().query(`SELECT DISTINCT cost_usd::float8 AS c FROM trajectories ORDER BY 1`)).rows.map((r) => r.c);
    const bounds = [0, ...costs, ...costs.slice(0, -1).map((c, i) => (c + costs[i + 1]!) / 2), costs[costs.length - 1]! * 2];
    const check = async () => {
      for (const rest of ['', '&correct=true', '&run=runA', '&run=runB&correct=false']) {
        for (const lo of bounds) {
          for (const band of [`min_cost=${lo}`, `max_cost=${lo}`, ...bounds.filter((hi) => hi >= lo).map((hi) => `min_cost=${lo}&max_cost=${hi}`)]) {
            const filter = parseTrajectoryFilter(new URLSearchParams(band + rest));
            const page = await listTrajectories(filter, { sort: 'id', order: 'asc', limit: 500 });
            expect(page.total, band + rest).toBe(page.items.length);
          }
        }
      }
    };
    await check();
    await db.pool().query('ANALYZE trajectories');
    const stats = await db.pool().query(`SELECT 1 FROM pg_stats WHERE tablename = 'trajectories' AND attname = 'cost_usd' AND histogram_bounds IS NOT NULL`);
    expect(stats.rowCount).toBe(1);
    await check();
  });

  it('pages with filters too, and ends with next_cursor null', async () => {
    const first = await list('run=runA&sort=cost&order=desc&limit=2');
    expect(ids(first.body)).toEqual([T1, T3]);
    expect(first.body.total).toBe(3);
    const second = await list(`run=runA&sort=cost&order=desc&limit=2&cursor=${first.body.next_cursor}`);
    expect(ids(second.body)).toEqual([T5]);
    expect(second.body.next_cursor).toBeNull();
  });

  const BAD: [string, string][] = [
    ['sort=bogus', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['correct=yes', 'correct'],
    ['labelled=1', 'labelled'],
    ['min_cost=-1', 'min_cost'],
    ['max_cost=abc', 'max_cost'],
    ['min_cost=3&max_cost=1', 'min_cost'],
    ['cursor=garbage', 'cursor'],
    [`q=${'x'.repeat(501)}`, 'q'],
  ];
  it.each(BAD)('refuses %s with a 400 naming the parameter', async (query, name) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(`"${name}"`);
  });

  it.each([
    ['cost', ['cost', 'asc', 'abc', 1]],
    ['cost', ['cost', 'asc', '1e400', 1]],
    ['cost', ['cost', 'asc', null, 1]],
    ['steps', ['steps', 'asc', '99999999999', 1]],
    ['ingested_at', ['ingested_at', 'asc', 'yesterday', 1]],
    ['id', ['id', 'asc', 'x', 3_000_000_000]],
    ['id', ['id', 'asc', 'x', 1.5]],
    ['id', ['id', 'asc', 'a\u0000b', 1]],
  ])('refuses a forged cursor for sort=%s with a 400', async (sort, content) => {
    const cursor = Buffer.from(JSON.stringify(content)).toString('base64url');
    const { status, body } = await list(`sort=${sort}&cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('"cursor"');
  });

  it('refuses a cursor made for another sort', async () => {
    const { body: page } = await list('sort=cost&limit=1');
    const { status, body } = await list(`sort=reward&limit=1&cursor=${page.next_cursor}`);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/"cursor".*sort=cost/);
  });
});

describe('GET /api/trajectories/{id}', () => {
  it('gives the trajectory as the trace format writes it, with derived figures per step', async () => {
    const { status, body } = await call(getTrajectory, `/api/trajectories/${encodeURIComponent(T1)}`, { id: T1 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      format: 'routelens.trace.v1',
      id: T1,
      run: RUN_A,
      query: Q1,
      models: [SMALL, LARGE],
      final_answer: '2',
      correct: true,
      rubric: R1,
      meta: { z: 1, a: [1, 2] },
      step_count: 3,
      steps_total: 3,
      steps_from: 0,
      steps_next: null,
      labelled: true,
    });
    expect(Object.keys(body.meta)).toEqual(['z', 'a']); // kept as given
    expect(body.cost_usd).toBeCloseTo(0.0024, 15);
    expect(body.all_largest_usd).toBeCloseTo(0.006, 15);
    expect(body.savings).toBeCloseTo(0.6, 12);
    expect(body.process_score).toBeCloseTo(0.425, 12);
    expect(body.reward).toBeCloseTo(1.1725, 12);
    expect(body.steps.map((s: { index: number }) => s.index)).toEqual([0, 1, 2]);
    expect(body.steps[0]).toMatchObject({
      model: 'small',
      text: 'step 0 on small',
      tokens_in: 100,
      tokens_out: 50,
      latency_ms: 12,
      router: { probs: { small: 0.9, large: 0.1 } },
      given_cost_usd: null,
    });
    expect(body.steps[1]).toMatchObject({ latency_ms: null, router: null });
    const costs = body.steps.map((s: { cost_usd: number }) => s.cost_usd);
    [0.0002, 0.002, 0.0002].forEach((c, i) => expect(costs[i]).toBeCloseTo(c, 15));
    expect(body.steps.map((s: { cumulative_cost_usd: number }) => s.cumulative_cost_usd)).toEqual(cumulativeCosts(costs));
    expect(body.steps[2].cumulative_cost_usd).toBe(body.cost_usd);
    expect(body.steps[0].rubric_score).toBeNull();
    expect(body.steps[1].rubric_score).toBeCloseTo(1 / 3, 12);
    expect(body.steps[2].rubric_score).toBe(1);
    expect(body.judgments).toHaveLength(3);
    expect(body.judgments[0]).toMatchObject({
      criterion: 'c1',
      steps: [1],
      score: 1,
      judge_score: 1,
      effective_score: 0,
      source: 'human',
      labelled_by: 'bob',
      version: 2,
      rationale: 'crux on large',
      judge: 'judge-v2',
    });
  });

  it('puts the given cost in given_cost_usd and the step cost in cost_usd', async () => {
    const { body } = await call(getTrajectory, '/api/trajectories/x', { id: T2 });
    expect(body.steps[1].given_cost_usd).toBe(0.001);
    expect(body.steps[1].cost_usd).toBe(0.001);
    expect(body.steps[0].given_cost_usd).toBeNull();
    expect(body.steps[0].cost_usd).toBeCloseTo(0.004, 15);
  });

  it('pages steps with the cumulative cost of the steps before the page', async () => {
    const whole = (await call(getTrajectory, '/api/trajectories/x', { id: T1 })).body;
    const { body } = await call(getTrajectory, '/api/trajectories/x?steps_from=1&steps_limit=1', { id: T1 });
    expect(body.steps).toHaveLength(1);
    expect(body.steps[0].index).toBe(1);
    expect(body.steps[0].cumulative_cost_usd).toBeCloseTo(0.0022, 15);
    expect(body.steps[0].cumulative_cost_usd).toBe(whole.steps[1].cumulative_cost_usd);
    expect(body.steps[0].rubric_score).toBe(whole.steps[1].rubric_score);
    expect(body).toMatchObject({ steps_total: 3, steps_from: 1, steps_next: 2 });
    const last = (await call(getTrajectory, '/api/trajectories/x?steps_from=2&steps_limit=5', { id: T1 })).body;
    expect(last.steps.map((s: { index: number }) => s.index)).toEqual([2]);
    expect(last.steps_next).toBeNull();
    const beyond = (await call(getTrajectory, '/api/trajectories/x?steps_from=9', { id: T1 })).body;
    expect(beyond.steps).toEqual([]);
    expect(beyond.steps_next).toBeNull();
  });

  it('leaves the step texts out with fields=light', async () => {
    const { body } = await call(getTrajectory, '/api/trajectories/x?fields=light', { id: T1 });
    expect(body.steps).toHaveLength(3);
    for (const s of body.steps) expect(s).not.toHaveProperty('text');
    expect(body.steps[1].cumulative_cost_usd).toBeCloseTo(0.0022, 15);
  });

  it.each([
    ['steps_from=-1', 'steps_from'],
    ['steps_limit=0', 'steps_limit'],
    ['steps_limit=5001', 'steps_limit'],
    ['steps_limit=2.5', 'steps_limit'],
    ['fields=heavy', 'fields'],
  ])('refuses %s with a 400 naming the parameter', async (query, name) => {
    const { status, body } = await call(getTrajectory, `/api/trajectories/x?${query}`, { id: T1 });
    expect(status).toBe(400);
    expect(body.error.message).toContain(`"${name}"`);
  });

  it('answers 404 for an unknown id, on every trajectory route', async () => {
    for (const handler of [getTrajectory, getScores, getCost]) {
      const { status, body } = await call(handler, '/api/trajectories/nope', { id: 'runA/q1/nope' });
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: 'not_found' });
      expect(body.error.message).toContain('runA/q1/nope');
      expect((await call(handler, '/api/trajectories/x%00', { id: 'x\u0000' })).status).toBe(404);
    }
  });
});

describe('GET /api/trajectories/{id}/scores', () => {
  it('gives step, criterion and process scores from the effective scores, and the reward at lambda and mu', async () => {
    const { status, body } = await call(getScores, '/api/trajectories/x', { id: T1 });
    expect(status).toBe(200);
    expect(body.steps.map((s: { index: number }) => s.index)).toEqual([0, 1, 2]);
    expect(body.steps[0].rubric_score).toBeNull();
    expect(body.steps[1].rubric_score).toBeCloseTo(1 / 3, 12);
    expect(body.steps[2].rubric_score).toBe(1);
    expect(body.criteria.map((c: { id: string; weight: number; score: number }) => [c.id, c.weight, c.score])).toEqual([
      ['c1', 2, 0],
      ['c2', 1, 1],
      ['c3', 1, 0.7],
    ]);
    expect(body.process_score).toBeCloseTo(0.425, 12);
    expect(body).toMatchObject({ lambda: 0.5, mu: 0.1 });
    expect(body.reward).toBeCloseTo(1.1725, 12);
    expect(body.judgments).toEqual([
      expect.objectContaining({ criterion: 'c1', steps: [1], judge_score: 1, effective_score: 0, source: 'human', labelled_by: 'bob', version: 2 }),
      expect.objectContaining({ criterion: 'c2', steps: [1, 2], judge_score: 0, effective_score: 1, source: 'human', labelled_by: 'alice', version: 1 }),
      expect.objectContaining({ criterion: 'c3', steps: [], judge_score: 5, effective_score: 7, source: 'human', labelled_by: 'bob', version: 2 }),
    ]);
    for (const j of body.judgments) {
      expect(typeof j.id).toBe('number');
      expect(Date.parse(j.labelled_at)).not.toBeNaN();
    }
  });

  it('computes the reward at the lambda and mu asked for', async () => {
    expect((await call(getScores, '/x?lambda=1&mu=0', { id: T1 })).body.reward).toBeCloseTo(1.425, 12);
    expect((await call(getScores, '/x?lambda=0&mu=1', { id: T1 })).body.reward).toBeCloseTo(0.6, 12);
    const t3 = (await call(getScores, '/x?lambda=2', { id: T3 })).body;
    expect(t3).toMatchObject({ process_score: null, criteria: [], steps: [{ index: 0, rubric_score: null }], judgments: [] });
    expect(t3.reward).toBeCloseTo(0.99, 12); // no process score counts as 0
  });

  it('says source judge for a judgment nobody labelled', async () => {
    const { body } = await call(getScores, '/x', { id: T2 });
    expect(body.judgments[1]).toMatchObject({
      criterion: 'c2',
      judge_score: -1,
      effective_score: -1,
      source: 'judge',
      labelled_by: null,
      labelled_at: null,
      version: 0,
    });
  });

  it.each([
    ['lambda=-1', 'lambda'],
    ['lambda=abc', 'lambda'],
    ['mu=Infinity', 'mu'],
    ['mu=1e400', 'mu'],
  ])('refuses %s with a 400 naming the parameter', async (query, name) => {
    const { status, body } = await call(getScores, `/x?${query}`, { id: T1 });
    expect(status).toBe(400);
    expect(body.error.message).toContain(`"${name}"`);
  });
});

describe('GET /api/trajectories/{id}/cost', () => {
  it('breaks the cost down by model, with the counterfactuals and the all-largest baseline', async () => {
    const { status, body } = await call(getCost, '/x', { id: T1 });
    expect(status).toBe(200);
    expect(body.cost_usd).toBeCloseTo(0.0024, 15);
    expect(body.by_model.map((m: { model: string }) => m.model)).toEqual(['large', 'small']);
    expect(body.by_model[0]).toMatchObject({ model: 'large', steps: 1, tokens_in: 100, tokens_out: 50 });
    expect(body.by_model[0].cost_usd).toBeCloseTo(0.002, 15);
    expect(body.by_model[0].share).toBeCloseTo(5 / 6, 12);
    expect(body.by_model[1]).toMatchObject({ model: 'small', steps: 2, tokens_in: 200, tokens_out: 100 });
    expect(body.by_model[1].share).toBeCloseTo(1 / 6, 12);
    [0.0002, 0.0022, 0.0024].forEach((c, i) => expect(body.cumulative_usd[i]).toBeCloseTo(c, 15));
    expect(body.counterfactual_usd.small).toBeCloseTo(0.0006, 15);
    expect(body.counterfactual_usd.large).toBeCloseTo(0.006, 15);
    expect(body.all_largest_model).toBe('large');
    expect(body.all_largest_usd).toBe(body.counterfactual_usd.large);
    // Every step on the large model, one after another: the replay chart's baseline line.
    expect(body.all_largest_cumulative_usd).toHaveLength(3);
    expect(body.all_largest_cumulative_usd[2]).toBeCloseTo(body.all_largest_usd, 15);
    expect(body.savings).toBeCloseTo(0.6, 12);
  });

  it('uses a given step cost and ignores it in the counterfactuals', async () => {
    const { body } = await call(getCost, '/x', { id: T2 });
    expect(body.cost_usd).toBeCloseTo(0.005, 15);
    expect(body.by_model).toHaveLength(1);
    expect(body.by_model[0]).toMatchObject({ model: 'large', steps: 2, tokens_in: 300, tokens_out: 150, share: 1 });
    expect(body.cumulative_usd[0]).toBeCloseTo(0.004, 15);
    expect(body.counterfactual_usd.small).toBeCloseTo(0.0006, 15);
    expect(body.all_largest_usd).toBeCloseTo(0.006, 15);
    expect(body.savings).toBeCloseTo(1 / 6, 12);
    // The same figures as the stored ones that the list shows.
    const stored = (await list('query=q1&correct=false')).body.items[0];
    expect(stored.cost_usd).toBe(body.cost_usd);
    expect(stored.savings).toBe(body.savings);
  });
});

describe('GET /api/queries/{id} and /pairs', () => {
  it('gives the query with its rubric, per-run figures and trajectories', async () => {
    const { status, body } = await call(getQuery, '/api/queries/q1', { id: 'q1' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ...Q1, rubrics: [R1], trajectories_total: 3 });
    expect(body.runs.map((r: { run_id: string; trajectories: number; correct: number }) => [r.run_id, r.trajectories, r.correct])).toEqual([
      ['runA', 2, 2],
      ['runB', 1, 0],
    ]);
    expect(body.runs[0].accuracy).toBe(1);
    expect(body.runs[0].mean_cost_usd).toBeCloseTo(0.0014, 15);
    expect(body.trajectories.map((t: { id: string }) => t.id)).toEqual([T1, T5, T2]);
    const q2 = (await call(getQuery, '/api/queries/q2', { id: 'q2' })).body;
    expect(q2.rubrics).toEqual([]);
  });

  it('forms pairs by outcome, then process, in a deterministic order', async () => {
    const { status, body } = await call(getPairs, '/api/queries/q1/pairs', { id: 'q1' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ query_id: 'q1', delta_p: 0.1, ratio_c: 1.2, cap: null, trajectories: 3 });
    expect(body.pairs.map((p: { chosen: string; rejected: string; reason: string }) => [p.chosen, p.rejected, p.reason])).toEqual([
      [T1, T2, 'outcome'],
      [T5, T2, 'outcome'],
      [T5, T1, 'process'],
    ]);
    expect(body.pairs[0].margin).toBe(1);
    expect(body.pairs[2].margin).toBeCloseTo(2.6 / 3 - 0.425, 12);
    // The same as lib/domain over the stored figures.
    const rows = await db.pool().query(`SELECT id, correct, process_score AS "processScore", cost_usd AS "costUsd" FROM trajectories WHERE query_id = 'q1'`);
    expect(body.pairs).toEqual(buildPreferencePairs(rows.rows));
  });

  it('keeps the largest margins under a cap, and falls to cost when process does not decide', async () => {
    const capped = (await call(getPairs, '/x?cap=2', { id: 'q1' })).body;
    expect(capped.pairs.map((p: { reason: string }) => p.reason)).toEqual(['outcome', 'outcome']);
    expect(capped.cap).toBe(2);
    const byCost = (await call(getPairs, '/x?delta_p=0.5', { id: 'q1' })).body;
    expect(byCost.pairs[2]).toMatchObject({ chosen: T5, rejected: T1, reason: 'cost' });
    expect(byCost.pairs[2].margin).toBeCloseTo(6, 9);
    const none = (await call(getPairs, '/x?delta_p=0.5&ratio_c=10', { id: 'q1' })).body;
    expect(none.pairs).toHaveLength(2);
    const oneRun = (await call(getPairs, '/x?run=runA', { id: 'q1' })).body;
    expect(oneRun.pairs.map((p: { reason: string }) => p.reason)).toEqual(['process']);
  });

  it.each([
    ['delta_p=-0.1', 'delta_p'],
    ['ratio_c=0.5', 'ratio_c'],
    ['cap=1.5', 'cap'],
    ['cap=-1', 'cap'],
  ])('refuses %s with a 400 naming the parameter', async (query, name) => {
    const { status, body } = await call(getPairs, `/x?${query}`, { id: 'q1' });
    expect(status).toBe(400);
    expect(body.error.message).toContain(`"${name}"`);
  });

  it('answers 404 for an unknown query', async () => {
    expect((await call(getQuery, '/x', { id: 'nope' })).status).toBe(404);
    expect((await call(getPairs, '/x', { id: 'nope' })).status).toBe(404);
    expect((await call(getPairs, '/x', { id: 'q1\u0000' })).status).toBe(404);
  });
});

describe('GET /api/compare', () => {
  const compare = (query: string) => call(getCompare, `/api/compare?${query}`);
  const q = (a: string, b: string, more = '') => `a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}${more}`;

  it('decides the pair as the pairs route does, with each rule that ran and what it saw', async () => {
    const { status, body } = await compare(q(T1, T5));
    expect(status).toBe(200);
    const pairs = (await call(getPairs, '/x', { id: 'q1' })).body.pairs as { chosen: string; rejected: string }[];
    const same = pairs.find((p) => [p.chosen, p.rejected].includes(T1) && [p.chosen, p.rejected].includes(T5));
    expect(body).toMatchObject({ same_query: true, delta_p: 0.1, ratio_c: 1.2, a: { id: T1, query_id: 'q1' }, b: { id: T5, query_id: 'q1' } });
    expect(body.pair).toEqual(same);
    expect(body.rules.map((r: { rule: string; decided: boolean }) => [r.rule, r.decided])).toEqual([
      ['outcome', false],
      ['process', true],
    ]);
    expect(body.rules[1].difference).toBeCloseTo(Math.abs(body.a.process_score - body.b.process_score), 12);
  });

  it('takes the thresholds: a strict Δp leaves the pair to the cost rule', async () => {
    const { body } = await compare(q(T5, T1, '&delta_p=0.5'));
    expect(body.pair).toMatchObject({ chosen: T5, rejected: T1, reason: 'cost' });
    expect(body.rules.map((r: { rule: string }) => r.rule)).toEqual(['outcome', 'process', 'cost']);
    expect(body.rules[2]).toMatchObject({ decided: true, ratio_c: 1.2 });
    expect(body.rules[2].ratio).toBeCloseTo(6, 9);
    const outcome = (await compare(q(T2, T1))).body;
    expect(outcome.rules).toEqual([{ rule: 'outcome', decided: true, a_correct: false, b_correct: true }]);
  });

  it('forms no pair across queries, and refuses a missing trajectory or a bad threshold', async () => {
    const across = (await compare(q(T1, T3))).body;
    expect(across).toMatchObject({ same_query: false, pair: null, rules: [] });
    const missing = await compare(`a=${encodeURIComponent(T1)}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('"b"');
    expect((await compare(q(T1, T5, '&ratio_c=0.5'))).status).toBe(400);
    expect((await compare(q(T1, 'nope'))).status).toBe(404);
  });
});

describe('GET /api/agreement', () => {
  it('gives judge-vs-human and between-people figures per criterion and overall', async () => {
    const { status, body } = await call(getAgreement, '/api/agreement');
    expect(status).toBe(200);
    const [c1, c2, c3] = body.criteria;
    // c1 (binary): judge [1, 0, 1] vs newest human [0, 0, 1]: agreement 2/3, kappa (3*2 - 4) / (9 - 4) = 0.4.
    expect(c1).toMatchObject({ rubric_id: 'q1/rubric', id: 'c1', kind: 'binary', n_items: 3 });
    expect(c1.judge_human.n).toBe(3);
    expect(c1.judge_human.percent_agreement).toBeCloseTo(2 / 3, 12);
    expect(c1.judge_human.cohens_kappa).toBeCloseTo(0.4, 12);
    expect(c1.judge_human.mean_absolute_difference).toBeNull();
    // People: T1 alice 1 / bob 0, T2 alice 0 / bob 0: nominal alpha 1 - 3 * 2 / 6 = 0.
    expect(c1.people).toMatchObject({ level: 'nominal', n_items: 2 });
    expect(c1.people.alpha).toBeCloseTo(0, 12);
    // c2 (ternary): one item, judge 0 vs human 1.
    expect(c2).toMatchObject({
      id: 'c2',
      kind: 'ternary',
      n_items: 1,
      judge_human: { n: 1, percent_agreement: 0, cohens_kappa: 0 },
      people: { n_items: 0, alpha: null },
    });
    // c3 (numeric 0..10): judge [0.5, 1.0] vs human [0.7, 0.6]: MAD 0.3, rho -1.
    expect(c3).toMatchObject({ id: 'c3', kind: 'numeric', n_items: 2, judge_human: { n: 2, percent_agreement: null, cohens_kappa: null, spearman_rho: -1 } });
    expect(c3.judge_human.mean_absolute_difference).toBeCloseTo(0.3, 12);
    // People: T5 [1.0, 0.6], T1 [0.7, 0.7]: interval alpha 1 - 3 * 0.32 / 0.72 = -1/3.
    expect(c3.people).toMatchObject({ level: 'interval', n_items: 2 });
    expect(c3.people.alpha).toBeCloseTo(-1 / 3, 12);
    // Overall, categorical pooled: judge [b1, b0, b1, t0] vs human [b0, b0, b1, t1]: 0.5, kappa (4*2 - 4) / (16 - 4).
    expect(body.overall.n_items).toBe(6);
    expect(body.overall.judge_human.categorical.n).toBe(4);
    expect(body.overall.judge_human.categorical.percent_agreement).toBe(0.5);
    expect(body.overall.judge_human.categorical.cohens_kappa).toBeCloseTo(1 / 3, 12);
    expect(body.overall.judge_human.numeric.n).toBe(2);
    expect(body.overall.judge_human.numeric.mean_absolute_difference).toBeCloseTo(0.3, 12);
    expect(body.overall.people.nominal.n_items).toBe(2);
    expect(body.overall.people.interval.alpha).toBeCloseTo(-1 / 3, 12);
  });

  it('filters by run and by criterion', async () => {
    const runB = (await call(getAgreement, '/api/agreement?run=runB')).body;
    expect(runB.criteria.map((c: { id: string }) => c.id)).toEqual(['c1']);
    expect(runB.criteria[0].judge_human).toMatchObject({ n: 1, percent_agreement: 1, cohens_kappa: 1 });
    const c3 = (await call(getAgreement, '/api/agreement?criterion=c3&rubric=q1%2Frubric')).body;
    expect(c3.criteria.map((c: { id: string }) => c.id)).toEqual(['c3']);
    expect(c3.overall.judge_human.categorical).toEqual({ n: 0, percent_agreement: null, cohens_kappa: null });
    const none = (await call(getAgreement, '/api/agreement?run=nope')).body;
    expect(none.criteria).toEqual([]);
    expect(none.overall.n_items).toBe(0);
  });

  it('lists the judgments where judge and people disagree', async () => {
    const judge = (await call(getDisagreements, '/api/agreement/disagreements')).body;
    expect(judge.items.map((i: { trajectory_id: string; criterion: string }) => `${i.trajectory_id}:${i.criterion}`).sort()).toEqual(
      [`${T1}:c1`, `${T1}:c2`, `${T1}:c3`, `${T5}:c3`].sort(),
    );
    const t1c1 = judge.items.find((i: { trajectory_id: string; criterion: string }) => i.trajectory_id === T1 && i.criterion === 'c1');
    expect(t1c1).toMatchObject({ judge_score: 1, human_score: 0, steps: [1] });
    expect(t1c1.people.map((p: { labelled_by: string; score: number }) => [p.labelled_by, p.score])).toEqual([
      ['alice', 1],
      ['bob', 0],
    ]);
    const people = (await call(getDisagreements, '/api/agreement/disagreements?between=people')).body;
    expect(people.items.map((i: { trajectory_id: string; criterion: string }) => `${i.trajectory_id}:${i.criterion}`).sort()).toEqual(
      [`${T1}:c1`, `${T5}:c3`].sort(),
    );
    const page = (await call(getDisagreements, '/api/agreement/disagreements?limit=3')).body;
    expect(page.items).toHaveLength(3);
    const rest = (await call(getDisagreements, `/api/agreement/disagreements?limit=3&after=${page.next_after}`)).body;
    expect(rest.items).toHaveLength(1);
    expect(rest.next_after).toBeNull();
    expect((await call(getDisagreements, '/api/agreement/disagreements?between=x')).body.error.message).toContain('"between"');
    const nul = await call(getAgreement, '/api/agreement?run=a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toContain('"run"');
  });
});
