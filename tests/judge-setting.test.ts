// scoring.md's judge setting and the view settings (judge, lambda, mu; delta_p, ratio_c, cap) on the
// routes that show a few trajectories: one trajectory, its scores, a query's page and pairs, and the
// exports. Two judges and the unnamed one score the same items; every figure is computed by hand below,
// and checked against lib/domain over that judge's judgments (plus people's).
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getQuery } from '@/app/api/queries/[id]/route';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getTrajectory } from '@/app/api/trajectories/[id]/route';
import { GET as getScores } from '@/app/api/trajectories/[id]/scores/route';
import { GET as getExport } from '@/app/api/exports/[kind]/route';
import { GET as getJudges } from '@/app/api/judges/route';
import { POST as postLabel } from '@/app/api/judgments/[id]/labels/route';
import { POST as postJudgment } from '@/app/api/trajectories/[id]/judgments/route';
import { buildPreferencePairs, viewScores, type CriterionDef, type JudgmentInput } from '@/lib/domain';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { ingestText, jsonl, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
useTestDatabase('judges');

// USD per million tokens: a small step of 100 in / 50 out costs 0.0002, a large one 0.002.
const SMALL = { id: 'small', usd_per_mtok_in: 1, usd_per_mtok_out: 2 };
const LARGE = { id: 'large', usd_per_mtok_in: 10, usd_per_mtok_out: 20 };
const QUERY = { id: 'q1', benchmark: 'MATH500', text: 'What is 2+2?' };
const RUBRIC = {
  id: 'q1/rubric',
  criteria: [
    { id: 'c1', text: 'The crux goes to the large model.', weight: 2, scale: { kind: 'binary' } },
    { id: 'c2', text: 'The crux is done right.', weight: 1, scale: { kind: 'ternary' } },
    { id: 'c3', text: 'Routine work stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
  ],
};
const CRITERIA: CriterionDef[] = [
  { id: 'c1', weight: 2, scale: { kind: 'binary' } },
  { id: 'c2', weight: 1, scale: { kind: 'ternary' } },
  { id: 'c3', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
];
const step = (index: number, model: string) => ({ index, model, text: `step ${index}`, tokens_in: 100, tokens_out: 50 });
const line = (id: string, correct: boolean, steps: Json[], judgments: Json[]) => ({
  format: 'routelens.trace.v1',
  id,
  run: { id: 'runA' },
  query: QUERY,
  models: [SMALL, LARGE],
  steps,
  correct,
  rubric: RUBRIC,
  judgments,
});

// TA: cost 0.0022, all-large 0.004, cost ratio 0.55.
//   judge-v2: c1 = 1, c2 = (1 + 1) / 2 = 1                 -> process (2 + 1) / 3 = 1
//   judge-v3: c1 = 0, c3 = 10 / 10 = 1                     -> process (0 + 1) / 3 = 1/3
//   judge (unnamed): c3 = 0.5                              -> process 0.5
//   all: c1 = 0.5, c2 = 1, c3 = 0.75                       -> process (1 + 1 + 0.75) / 4 = 0.6875
const TA = line(
  'runA/q1/a',
  true,
  [step(0, 'small'), step(1, 'large')],
  [
    { criterion: 'c1', steps: [1], score: 1, judge: 'judge-v2' },
    { criterion: 'c1', steps: [1], score: 0, judge: 'judge-v3' },
    { criterion: 'c2', steps: [0, 1], score: 1, judge: 'judge-v2' },
    { criterion: 'c3', score: 5 },
    { criterion: 'c3', score: 10, judge: 'judge-v3' },
  ],
);
// TB: cost 0.0004, all-large 0.004, cost ratio 0.1. Only judge-v2 scored it: c1 = 0 -> process 0;
// under judge-v3 no judgment enters -> process null.
const TB = line('runA/q1/b', false, [step(0, 'small'), step(1, 'small')], [{ criterion: 'c1', score: 0, judge: 'judge-v2' }]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function get(handler: unknown, path: string, params: Record<string, string> = {}): Promise<{ status: number; body: Body }> {
  const res = await call(handler, { path, params });
  return { status: res.status, body: await json<Body>(res) };
}

const inputs = (l: { judgments: Json[] }): JudgmentInput[] =>
  l.judgments.map((j) => ({
    criterion: j.criterion as string,
    steps: (j.steps as number[] | undefined) ?? [],
    judgeScore: j.score as number,
    judge: (j.judge as string | undefined) ?? null,
  }));

beforeAll(async () => {
  expect(await ingestText(jsonl([TA, TB]))).toMatchObject({ stored: 2, failed: 0 });
});

describe('GET /api/judges', () => {
  it('every judge with its judgments, trajectories and runs; within a run; an unknown run has none', async () => {
    const all = (await get(getJudges, '/api/judges')).body;
    expect(all).toEqual({
      judges: [
        { judge: 'judge', judgments: 1, trajectories: 1, runs: ['runA'] },
        { judge: 'judge-v2', judgments: 3, trajectories: 2, runs: ['runA'] },
        { judge: 'judge-v3', judgments: 2, trajectories: 1, runs: ['runA'] },
      ],
    });
    expect((await get(getJudges, '/api/judges?run=runA')).body).toEqual(all);
    expect((await get(getJudges, '/api/judges?run=nope')).body).toEqual({ judges: [] });
    expect((await get(getJudges, '/api/judges?run=')).status).toBe(200);
  });
});

describe('the judge setting on one trajectory', () => {
  it('scores: process score, criterion scores and reward of each judge, by hand', async () => {
    const cases: [string, number | null, (number | null)[], number][] = [
      ['', 0.6875, [0.5, 1, 0.75], 1 + 0.5 * 0.6875 - 0.1 * 0.55],
      ['judge=judge-v2', 1, [1, 1, null], 1 + 0.5 * 1 - 0.1 * 0.55],
      ['judge=judge-v3', 1 / 3, [0, null, 1], 1 + 0.5 / 3 - 0.1 * 0.55],
      ['judge=judge', 0.5, [null, null, 0.5], 1 + 0.5 * 0.5 - 0.1 * 0.55],
    ];
    for (const [query, process, criteria, reward] of cases) {
      const { status, body } = await get(getScores, `/x?${query}`, { id: TA.id });
      expect(status, query).toBe(200);
      expect(body.process_score, query).toBeCloseTo(process!, 12);
      expect(body.criteria.map((c: { score: number | null }) => c.score)).toEqual(criteria.map((c) => (c === null ? null : expect.closeTo(c, 12))));
      expect(body.reward, query).toBeCloseTo(reward, 12);
      expect(body.judge).toBe(query === '' ? null : query.slice('judge='.length));
      // The same figures as lib/domain over that judge's judgments.
      const judge = query === '' ? null : query.slice('judge='.length);
      const domain = viewScores(
        { correct: true, costUsd: 0.0022, allLargestUsd: 0.004, criteria: CRITERIA, judgments: inputs(TA) },
        { judge, lambda: 0.5, mu: 0.1 },
      );
      expect(body.process_score).toBeCloseTo(domain.processScore!, 15);
      expect(body.reward).toBeCloseTo(domain.reward, 15);
    }
  });

  it('scores: step rubric scores count only the judge’s judgments', async () => {
    // all: step 0 = c2 only = 1; step 1 = (2 * mean-free terms 1 and 0 on c1, 1 on c2) = (2*1 + 2*0 + 1) / 5 = 0.6
    const all = (await get(getScores, '/x', { id: TA.id })).body;
    expect(all.steps.map((s: { rubric_score: number | null }) => s.rubric_score)).toEqual([1, expect.closeTo(0.6, 12)]);
    // judge-v3: step 0 unscored; step 1 = c1 0
    const v3 = (await get(getScores, '/x?judge=judge-v3', { id: TA.id })).body;
    expect(v3.steps.map((s: { rubric_score: number | null }) => s.rubric_score)).toEqual([null, 0]);
    expect(v3.criteria.map((c: { judgments: number }) => c.judgments)).toEqual([1, 0, 1]);
  });

  it('a trajectory the judge never scored has no process score under it', async () => {
    const { body } = await get(getScores, '/x?judge=judge-v3', { id: TB.id });
    expect(body.process_score).toBeNull();
    expect(body.reward).toBeCloseTo(0 - 0.1 * 0.1, 12);
    const v2 = (await get(getScores, '/x?judge=judge-v2&lambda=2&mu=1', { id: TB.id })).body;
    expect(v2).toMatchObject({ process_score: 0, judge: 'judge-v2', lambda: 2, mu: 1 });
    expect(v2.reward).toBeCloseTo(-0.1, 12);
  });

  it('GET /api/trajectories/{id}: figures and step scores under the view, every judgment listed', async () => {
    const stored = (await get(getTrajectory, '/x', { id: TA.id })).body;
    expect(stored).toMatchObject({ judge: null, lambda: 0.5, mu: 0.1 });
    expect(stored.process_score).toBeCloseTo(0.6875, 12);
    const v3 = (await get(getTrajectory, '/x?judge=judge-v3&lambda=1&mu=0', { id: TA.id })).body;
    expect(v3.process_score).toBeCloseTo(1 / 3, 12);
    expect(v3.reward).toBeCloseTo(1 + 1 / 3, 12);
    expect(v3.steps.map((s: { rubric_score: number | null }) => s.rubric_score)).toEqual([null, 0]);
    expect(v3.judgments).toHaveLength(5);
    expect(v3.judgments.map((j: { judge: string | null }) => j.judge)).toEqual(['judge-v2', 'judge-v3', 'judge-v2', null, 'judge-v3']);
  });

  it('a judgment that a person added enters every judge’s view, and a label only the judgments of its item', async () => {
    // A person adds c2 on step 0 of TB: -1 -> 0 normalized. Under judge-v3: c2 = 0 -> process 0 (was null).
    const added = await call(postJudgment, { method: 'POST', params: { id: TB.id }, body: { criterion: 'c2', steps: [0], score: -1 } });
    expect(added.status, await added.clone().text()).toBe(201);
    const v3 = (await get(getScores, '/x?judge=judge-v3', { id: TB.id })).body;
    expect(v3.process_score).toBe(0);
    const v2 = (await get(getScores, '/x?judge=judge-v2', { id: TB.id })).body;
    expect(v2.process_score).toBe(0); // (2 * 0 + 1 * 0) / 3
    // A label on judge-v3's c3 judgment of TA (item c3, whole trajectory) corrects every judge of the item:
    // the unnamed judge's c3 too. judge-v2 did not score that item: its view does not change.
    const ta = (await get(getTrajectory, '/x', { id: TA.id })).body;
    const v3c3 = ta.judgments.find((j: { judge: string | null; criterion: string }) => j.judge === 'judge-v3' && j.criterion === 'c3');
    const label = await call(postLabel, { method: 'POST', params: { id: String(v3c3.id) }, body: { score: 0, expected_version: v3c3.version } });
    expect(label.status, await label.clone().text()).toBe(201);
    const after = async (q: string) => (await get(getScores, `/x?${q}`, { id: TA.id })).body.process_score;
    expect(await after('judge=judge-v3')).toBeCloseTo(0, 12); // c1 0, c3 0
    expect(await after('judge=judge-v2')).toBeCloseTo(1, 12);
  });
});

describe('the judge setting on a query', () => {
  it('the query page: per-run figures and trajectories under the judge', async () => {
    const { body } = await get(getQuery, '/x?judge=judge-v2', { id: 'q1' });
    expect(body.judge).toBe('judge-v2');
    const byId = Object.fromEntries(body.trajectories.map((t: { id: string }) => [t.id, t]));
    expect(byId[TA.id].process_score).toBeCloseTo(1, 12);
    expect(byId[TB.id].process_score).toBe(0);
    expect(body.runs[0].mean_process_score).toBeCloseTo(0.5, 12);
    expect(body.runs[0].mean_reward).toBeCloseTo((byId[TA.id].reward + byId[TB.id].reward) / 2, 12);
  });

  it('pairs: the process rule reads the judge’s process scores', async () => {
    // TA is correct, TB not: the outcome decides whatever the judge. The pair is the same; the
    // candidates' scores are the judge's (lib/domain over them gives the same pairs).
    const { body } = await get(getPairs, '/x?judge=judge-v3&delta_p=0.2', { id: 'q1' });
    expect(body).toMatchObject({ judge: 'judge-v3', delta_p: 0.2, pairs: [{ chosen: TA.id, rejected: TB.id, reason: 'outcome', margin: 1 }] });
    expect(body.pairs).toEqual(
      buildPreferencePairs(
        [
          { id: TA.id, correct: true, processScore: 0, costUsd: 0.0022 },
          { id: TB.id, correct: false, processScore: 0, costUsd: 0.0004 },
        ],
        { deltaP: 0.2, ratioC: 1.2, cap: null },
      ),
    );
  });
});

describe('the judge setting on exports', () => {
  it('steps: rubric scores, process score and reward under the judge; the manifest names it', async () => {
    const res = await call(getExport, { path: '/api/exports/steps?format=jsonl&judge=judge-v3&query=q1', params: { kind: 'steps' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.headers.get('x-routelens-manifest') ?? '{}')).toMatchObject({ judge: 'judge-v3' });
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const a = rows.filter((r) => r.trajectory_id === TA.id);
    expect(a.map((r) => r.rubric_score)).toEqual([null, 0]);
    expect(a[0]!.process_score).toBeCloseTo(0, 12);
  });

  it('traces: meta.routelens holds the judge’s figures; the line keeps every judgment', async () => {
    const res = await call(getExport, { path: `/api/exports/traces?judge=judge-v2&query=q1`, params: { kind: 'traces' } });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json & { meta: { routelens: Json }; judgments: Json[] });
    const a = lines.find((l) => l.id === TA.id)!;
    expect(a.judgments).toHaveLength(5);
    expect(a.meta.routelens).toMatchObject({ judge: 'judge-v2' });
    expect(a.meta.routelens.process_score).toBeCloseTo(1, 12);
  });
});

describe('bad view settings are a 400 that names the parameter', () => {
  const routes: [string, unknown, string, Record<string, string>][] = [
    ['scores', getScores, '/x', { id: TA.id }],
    ['trajectory', getTrajectory, '/x', { id: TA.id }],
    ['query', getQuery, '/x', { id: 'q1' }],
    ['pairs', getPairs, '/x', { id: 'q1' }],
    ['export', getExport, '/api/exports/steps', { kind: 'steps' }],
  ];

  it('a judge that scored nothing, listing the known judges', async () => {
    for (const [name, handler, path, params] of routes) {
      const { status, body } = await get(handler, `${path}?judge=judge-v9`, params);
      expect(status, name).toBe(400);
      expect(body.error.code).toBe('invalid_parameter');
      expect(body.error.message).toBe('parameter "judge": no judge is named "judge-v9"; the known judges are "judge", "judge-v2", "judge-v3"');
      expect(body.error.details).toEqual({ parameter: 'judge', known_judges: ['judge', 'judge-v2', 'judge-v3'] });
    }
  });

  it('lambda and mu outside [0, 1000], and the pair settings outside theirs, on views and exports alike', async () => {
    const bad: [string, string][] = [
      ['lambda=-0.5', 'lambda'],
      ['mu=1001', 'mu'],
      ['mu=Infinity', 'mu'],
      ['judge=', ''],
    ];
    for (const [name, handler, path, params] of routes) {
      for (const [query, parameter] of bad) {
        if (parameter === '') {
          // An empty value is an absent one.
          const res = await call(handler, { path: `${path}?${query}`, params });
          expect(res.status, `${name} ${query}`).toBe(200);
          await res.text(); // an export streams: read it to the end, so its connection goes back

          continue;
        }
        const { status, body } = await get(handler, `${path}?${query}`, params);
        expect(status, `${name} ${query}`).toBe(400);
        expect(body.error.message).toMatch(new RegExp(`^parameter "${parameter}"`));
      }
    }
    for (const [handler, path, params] of [
      [getPairs, '/x', { id: 'q1' }],
      [getExport, '/api/exports/preferences', { kind: 'preferences' }],
    ] as const) {
      for (const [query, parameter] of [
        ['delta_p=1.5', 'delta_p'],
        ['ratio_c=0.9', 'ratio_c'],
        ['cap=-1', 'cap'],
        ['cap=2000000', 'cap'],
      ]) {
        const { status, body } = await get(handler, `${path}?${query}`, params);
        expect(status, query).toBe(400);
        expect(body.error.message).toMatch(new RegExp(`^parameter "${parameter}"`));
      }
    }
  });
});
