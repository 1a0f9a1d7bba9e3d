// GET /api/agreement by judge, against a fixture whose every figure is computed by hand below: two
// judges (A, B) over twelve trajectories of one rubric with a binary, a ternary and a numeric
// criterion, labels restored from meta.routelens with their dates, and training steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getAgreement } from '@/app/api/agreement/route';
import { judgeHumanAgreement, kindAgreement, type JudgeHumanItem } from '@/lib/domain';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
useTestDatabase('agreejudges');

const RUBRIC = {
  id: 'aj/rubric',
  criteria: [
    { id: 'b', text: 'The crux goes to the large model.', weight: 1, scale: { kind: 'binary' } },
    { id: 't', text: 'No wasted steps.', weight: 1, scale: { kind: 'ternary' } },
    { id: 'n', text: 'Routine work stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 4 } },
  ],
};

// Binary b on every trajectory (both judges), the people's newest label in HUMAN_B.
const HUMAN_B = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
const A_B = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1];
const B_B = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
// Ternary t on trajectories 0..2, judge A only.
const HUMAN_T = [1, 0, -1];
const A_T = [1, 0, 0];
// Numeric n (0..4) on trajectories 3..6, both judges.
const HUMAN_N = [0, 1, 2, 4];
const A_N = [0, 2, 2, 3];
const B_N = [4, 3, 1, 0];

/** Week 1 (Monday 2 November) for trajectories 0..5, week 2 (Tuesday 10 November) for 6..11. */
const labelledAt = (i: number) => (i < 6 ? '2026-11-02T10:00:00Z' : '2026-11-10T10:00:00Z');

function line(i: number): Json {
  const judgments: Json[] = [
    { criterion: 'b', score: A_B[i], judge: 'A' },
    { criterion: 'b', score: B_B[i], judge: 'B' },
  ];
  const items: Json[] = [];
  const label = (score: number, author = 'alice', version = 1) => ({ version, score, author, created_at: labelledAt(i) });
  // Items 0 and 6 were labelled by two people who agree (alpha 1 over 2 items).
  items.push({ criterion: 'b', steps: [], labels: i === 0 || i === 6 ? [label(HUMAN_B[i]!), label(HUMAN_B[i]!, 'bob', 2)] : [label(HUMAN_B[i]!)] });
  if (i < 3) {
    judgments.push({ criterion: 't', steps: [0], score: A_T[i], judge: 'A' });
    items.push({ criterion: 't', steps: [0], labels: [label(HUMAN_T[i]!)] });
  }
  if (i >= 3 && i < 7) {
    judgments.push({ criterion: 'n', steps: [1], score: A_N[i - 3], judge: 'A' });
    judgments.push({ criterion: 'n', steps: [1], score: B_N[i - 3], judge: 'B' });
    items.push({ criterion: 'n', steps: [1], labels: [label(HUMAN_N[i - 3]!)] });
  }
  return baseLine(`aj/${i}`, {
    run: { id: 'aj-run', policy: 'roro' },
    rubric: RUBRIC,
    judgments,
    training: { step: i < 6 ? 10 : 20 },
    meta: { routelens: { items } },
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function get(query: string, status = 200): Promise<Body> {
  const res = await call(getAgreement, { path: `/api/agreement?${query}` });
  const body = await json<Body>(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

beforeAll(async () => {
  const s = await ingestText(jsonl(Array.from({ length: 12 }, (_, i) => line(i))));
  if (s.failed > 0) throw new Error(JSON.stringify(s.errors));
});

const byName = (body: Body, name: string) => body.judges.find((j: { judge: string }) => j.judge === name);
const kindOf = (entry: Body, kind: string) => entry.kinds.find((k: { kind: string }) => k.kind === kind);

describe('GET /api/agreement?by=judge', () => {
  it('gives percent and kappa per judge (binary, by hand)', async () => {
    const body = await get('by=judge');
    expect(body.by).toBe('judge');
    expect(body.judges.map((j: { judge: string }) => j.judge)).toEqual(['A', 'B']);
    // A: agrees on 10 of 12; rows 6/6, columns 6/6: chance 72, kappa (12·10 - 72) / (144 - 72) = 2/3.
    const a = kindOf(byName(body, 'A'), 'binary').judge_human;
    expect(a).toMatchObject({ n: 12, percent_agreement: 10 / 12 });
    expect(a.cohens_kappa).toBeCloseTo(2 / 3, 14);
    // B: agrees on 9 of 12; rows 9/3, columns 6/6: chance 72, kappa (108 - 72) / 72 = 0.5.
    const b = kindOf(byName(body, 'B'), 'binary').judge_human;
    expect(b).toMatchObject({ n: 12, percent_agreement: 0.75, cohens_kappa: 0.5 });
    // 12 items: intervals, around the figure, within [-1, 1].
    for (const f of [a, b]) {
      expect(f.cohens_kappa_interval.low).toBeLessThanOrEqual(f.cohens_kappa);
      expect(f.cohens_kappa_interval.high).toBeGreaterThanOrEqual(f.cohens_kappa);
      expect(f.cohens_kappa_interval.high).toBeLessThanOrEqual(1);
      expect(f.percent_agreement_interval.low).toBeLessThanOrEqual(f.percent_agreement);
      expect(f.mean_absolute_difference).toBeNull();
    }
  });

  it('gives kappa below the minimum without an interval (ternary, by hand)', async () => {
    const a = kindOf(byName(await get('by=judge'), 'A'), 'ternary').judge_human;
    // agree 2 of 3; rows 1:1, 0:2; columns 1, 0, -1 once each: chance 3, kappa (6 - 3) / (9 - 3) = 0.5.
    expect(a).toMatchObject({ n: 3, percent_agreement: 2 / 3, cohens_kappa: 0.5, cohens_kappa_interval: null, percent_agreement_interval: null });
    expect(kindOf(byName(await get('by=judge'), 'B'), 'ternary')).toBeUndefined();
  });

  it('gives MAD and rho per judge (numeric, by hand)', async () => {
    const body = await get('by=judge');
    // A normalized [0, .5, .5, .75] vs [0, .25, .5, 1]: MAD (0 + .25 + 0 + .25) / 4 = 0.125;
    // ranks [1, 2.5, 2.5, 4] vs [1, 2, 3, 4]: rho 4.5 / sqrt(5 · 4.5) = 3 / sqrt(10).
    const a = kindOf(byName(body, 'A'), 'numeric').judge_human;
    expect(a.n).toBe(4);
    expect(a.mean_absolute_difference).toBeCloseTo(0.125, 14);
    expect(a.spearman_rho).toBeCloseTo(3 / Math.sqrt(10), 14);
    expect(a.percent_agreement).toBeNull();
    // B normalized [1, .75, .25, 0]: MAD (1 + .5 + .25 + 1) / 4 = 0.6875; ranks reversed: rho -1.
    const b = kindOf(byName(body, 'B'), 'numeric').judge_human;
    expect(b.mean_absolute_difference).toBeCloseTo(0.6875, 14);
    expect(b.spearman_rho).toBe(-1);
    expect(b.mean_absolute_difference_interval).toBeNull();
  });

  it('gives the same figures per criterion within the rubric, overall, and between people', async () => {
    const a = byName(await get('by=judge'), 'A');
    expect(a.criteria.map((c: { id: string }) => c.id)).toEqual(['b', 't', 'n']);
    expect(a.criteria[0]).toMatchObject({ rubric_id: 'aj/rubric', id: 'b', kind: 'binary', n_items: 12, text: RUBRIC.criteria[0]!.text });
    expect(a.criteria[0].judge_human).toEqual(kindOf(a, 'binary').judge_human);
    expect(a.overall.n_items).toBe(19);
    expect(a.overall.judge_human.categorical.n).toBe(15);
    expect(a.overall.judge_human.numeric.mean_absolute_difference).toBeCloseTo(0.125, 14);
    // Items 0 and 6: alice and bob agree; A scored both.
    expect(a.overall.people.nominal).toEqual({ n_items: 2, alpha: 1 });
    expect(a.criteria[0].people).toEqual({ level: 'nominal', n_items: 2, alpha: 1 });
  });

  it('equals lib/domain over the items themselves', async () => {
    const body = await get('by=judge');
    for (const [name, scores] of [
      ['A', A_B],
      ['B', B_B],
    ] as const) {
      const items: JudgeHumanItem[] = scores.map((s, i) => ({ judge: s, human: HUMAN_B[i]!, scale: { kind: 'binary' } }));
      const f = kindAgreement('binary', items);
      if (f.kind === 'numeric') throw new Error('binary');
      const got = kindOf(byName(body, name), 'binary').judge_human;
      expect(got).toMatchObject({
        percent_agreement: f.percentAgreement,
        cohens_kappa: f.kappa,
        percent_agreement_interval: f.percentAgreementInterval,
        cohens_kappa_interval: f.kappaInterval,
      });
    }
  });

  it('pools every judge without by, and takes the judge setting', async () => {
    const all = await get('');
    // Both judges on b: agree 19 of 24; rows 15/9, columns 12/12: chance 288, kappa (456 - 288) / 288 = 7/12.
    const b = kindOf(all, 'binary').judge_human;
    expect(b).toMatchObject({ n: 24, percent_agreement: 19 / 24 });
    expect(b.cohens_kappa).toBeCloseTo(7 / 12, 14);
    expect(all.overall.n_items).toBe(19);
    expect(all.criteria[0]).toMatchObject({ id: 'b', n_items: 12 });
    const pooled = judgeHumanAgreement([
      ...A_B.map((s, i) => ({ judge: s, human: HUMAN_B[i]!, scale: { kind: 'binary' as const } })),
      ...B_B.map((s, i) => ({ judge: s, human: HUMAN_B[i]!, scale: { kind: 'binary' as const } })),
      ...A_T.map((s, i) => ({ judge: s, human: HUMAN_T[i]!, scale: { kind: 'ternary' as const } })),
    ]);
    expect(all.overall.judge_human.categorical.percent_agreement).toBe(pooled.categorical.percentAgreement);
    expect(all.overall.judge_human.categorical.cohens_kappa).toBeCloseTo(pooled.categorical.kappa!, 14);
    const onlyB = await get('judge=B');
    expect(onlyB.judge).toBe('B');
    expect(kindOf(onlyB, 'binary').judge_human).toEqual(kindOf(byName(await get('by=judge'), 'B'), 'binary').judge_human);
    expect(kindOf(onlyB, 'ternary')).toBeUndefined();
    const byJudgeB = await get('by=judge&judge=B');
    expect(byJudgeB.judges.map((j: { judge: string }) => j.judge)).toEqual(['B']);
  });

  it('gives each judge a series over label weeks, days and training steps', async () => {
    const weeks = await get('by=judge&over=week');
    const a = byName(weeks, 'A');
    expect(a.points.map((p: { at: string }) => p.at)).toEqual(['2026-11-02', '2026-11-09']);
    // Week 1: trajectories 0..5, A agrees on 5 of 6 (item 5); week 2: 5 of 6 (item 11).
    expect(kindOf(a.points[0], 'binary').judge_human).toMatchObject({ n: 6, percent_agreement: 5 / 6, cohens_kappa_interval: null });
    expect(kindOf(a.points[1], 'binary').judge_human).toMatchObject({ n: 6, percent_agreement: 5 / 6 });
    const days = await get('by=judge&over=day');
    expect(byName(days, 'B').points.map((p: { at: string }) => p.at)).toEqual(['2026-11-02', '2026-11-10']);
    const steps = await get('by=judge&over=step');
    const b = byName(steps, 'B');
    expect(b.points.map((p: { at: number }) => p.at)).toEqual([10, 20]);
    // Step 20 (trajectories 6..11): B says 1, 1, 1, 0, 0, 0 where people say 0: 3 of 6.
    expect(kindOf(b.points[1], 'binary').judge_human).toMatchObject({ n: 6, percent_agreement: 0.5 });
  });

  it('refuses an unknown judge, by or over with a 400 that names the parameter', async () => {
    const unknown = await get('by=judge&judge=nobody', 400);
    expect(unknown.error.message).toContain('"judge"');
    expect(unknown.error.message).toContain('"A"');
    expect((await get('by=rubric', 400)).error.message).toContain('"by"');
    expect((await get('over=week', 400)).error.message).toContain('"over"');
    expect((await get('by=judge&over=month', 400)).error.message).toContain('"over"');
  });
});

describe('queues over a criterion of one rubric, or every criterion of a kind (#16.8)', () => {
  it('GET /api/criteria lists the criteria the filters select, with their text, kind and items', async () => {
    const { GET } = await import('@/app/api/criteria/route');
    const body = await json<Body>(await call(GET, { path: '/api/criteria?run=aj-run' }));
    expect(body.criteria).toEqual([
      { rubric_id: 'aj/rubric', id: 'b', text: RUBRIC.criteria[0]!.text, kind: 'binary', items: 12 },
      { rubric_id: 'aj/rubric', id: 'n', text: RUBRIC.criteria[2]!.text, kind: 'numeric', items: 4 },
      { rubric_id: 'aj/rubric', id: 't', text: RUBRIC.criteria[1]!.text, kind: 'ternary', items: 3 },
    ]);
    expect(body.kinds).toEqual([
      { kind: 'binary', items: 12, criteria: 1 },
      { kind: 'ternary', items: 3, criteria: 1 },
      { kind: 'numeric', items: 4, criteria: 1 },
    ]);
    expect((await json<Body>(await call(GET, { path: '/api/criteria?run=nope' }))).criteria).toEqual([]);
  });

  it('POST /api/queues takes criterion_kind, or a criterion with its rubric', async () => {
    const { signedIn } = await import('./helpers/api');
    const { POST } = await import('@/app/api/queues/route');
    const admin = await signedIn('aj-admin', 'admin');
    const make = async (body: Json) => {
      const res = await call(POST, { method: 'POST', body: { filters: { run: 'aj-run' }, rule: { rule: 'all' }, ...body }, as: admin });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await json<Body>(res)).queue;
    };
    const ternary = await make({ name: 'every ternary', criterion_kind: 'ternary' });
    expect(ternary).toMatchObject({ items: 3, criterion_kind: 'ternary', criterion: null });
    const numeric = await make({ name: 'n of aj', criterion: 'n', rubric: 'aj/rubric' });
    expect(numeric).toMatchObject({ items: 4, criterion: 'n', rubric: 'aj/rubric' });
    const res = await call(POST, {
      method: 'POST',
      body: { name: 'none', filters: {}, criterion: 'n', rubric: 'other/rubric', rule: { rule: 'all' } },
      as: admin,
    });
    expect(res.status).toBe(400);
    const bad = await call(POST, { method: 'POST', body: { name: 'bad', filters: {}, criterion_kind: 'likert', rule: { rule: 'all' } }, as: admin });
    expect(bad.status).toBe(400);
  });
});
