// The view settings over many trajectories: generated traces that three judges scored (judge-v2, the
// unnamed judge, judge-v3), ingested, then every figure that a view computes in SQL for speed checked
// against lib/domain over the lines themselves: the list's reward column and reward sort at other
// lambda and mu.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getList } from '@/app/api/trajectories/route';
import { GET as getRuns } from '@/app/api/runs/route';
import { combinedReward, trajectoryFigures, viewScores, type RewardSettings } from '@/lib/domain';
import { generateTraces, renderJsonl, type TraceLine } from '@/lib/generate';
import { listTrajectories } from '@/lib/server/queries/trajectory-list';
import { queryRows, sql } from '@/lib/server/sql';
import { combinedRewardSql } from '@/lib/server/view-settings';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { criteriaOf, judgmentsOf, withJudges } from './helpers/judges';
import { ingestText } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('judgeviews');

const LINES: TraceLine[] = withJudges([...generateTraces({ seed: 11, queries: 12, trajectoriesPerQueryPerRun: 2, steps: { min: 2, max: 12 } })]);

const stored = new Map(
  LINES.map((l) => {
    const f = trajectoryFigures({
      models: l.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out })),
      steps: l.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd })),
      correct: l.correct,
      criteria: criteriaOf(l),
      judgments: judgmentsOf(l),
    });
    return [l.id, f];
  }),
);

/** lib/domain's figures of a line under a view. */
function domainView(l: TraceLine, view: { judge: string | null } & RewardSettings) {
  const f = stored.get(l.id)!;
  return viewScores({ correct: l.correct, costUsd: f.costUsd, allLargestUsd: f.allLargestUsd, criteria: criteriaOf(l), judgments: judgmentsOf(l) }, view);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
async function list(query: string): Promise<Body> {
  const res = await call(getList, { path: `/api/trajectories?${query}` });
  expect(res.status, query).toBe(200);
  return json<Body>(res);
}

/** Every item of the list in order, page by page. */
async function walk(query: string): Promise<{ id: string; reward: number; process_score: number | null }[]> {
  const items: { id: string; reward: number; process_score: number | null }[] = [];
  let cursor: string | null = null;
  do {
    const page: Body = await list(`${query}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

const byIdThenPk = new Map(LINES.map((l, i) => [l.id, i]));

beforeAll(async () => {
  expect(await ingestText(renderJsonl(LINES))).toMatchObject({ stored: LINES.length, failed: 0 });
});

describe('lambda and mu in SQL', () => {
  it('combinedRewardSql equals lib/domain bit for bit', async () => {
    for (const view of [
      { lambda: 0.5, mu: 0.1 },
      { lambda: 1.3, mu: 0.7 },
      { lambda: 0, mu: 1000 },
    ]) {
      const rows = await queryRows<{ id: string; reward: number }>(
        db.pool(),
        sql`SELECT t.id, ${combinedRewardSql(view, sql`t.process_score`)} AS reward FROM trajectories t`,
      );
      for (const r of rows) {
        const f = stored.get(r.id)!;
        expect(r.reward, r.id).toBe(
          combinedReward(
            { correct: LINES[byIdThenPk.get(r.id)!]!.correct, processScore: f.processScore, costUsd: f.costUsd, allLargestUsd: f.allLargestUsd },
            view,
          ),
        );
      }
    }
  });
});

describe('the list under lambda and mu', () => {
  it('the reward column is lib/domain’s at the view’s weights; the stored one without them', async () => {
    const page = await list('lambda=2&mu=0.3&limit=500');
    expect(page).toMatchObject({ lambda: 2, mu: 0.3, judge: null, total: LINES.length });
    for (const item of page.items) {
      const l = LINES[byIdThenPk.get(item.id)!]!;
      expect(item.reward).toBe(domainView(l, { judge: null, lambda: 2, mu: 0.3 }).reward);
    }
    const plain = await list('limit=500');
    for (const item of plain.items) expect(item.reward).toBe(stored.get(item.id)!.reward);
  });

  it('sorts by the reward at the view’s weights, both orders, paged with cursors, with a filter', async () => {
    const view = { judge: null, lambda: 0, mu: 5 };
    for (const [order, filter] of [
      ['desc', ''],
      ['asc', ''],
      ['desc', '&correct=true'],
    ] as const) {
      const got = await walk(`sort=reward&order=${order}&lambda=0&mu=5${filter}`);
      const expected = LINES.filter((l) => filter === '' || l.correct)
        .map((l) => ({ id: l.id, reward: domainView(l, view).reward, pk: byIdThenPk.get(l.id)! }))
        .sort((a, b) => (order === 'asc' ? a.reward - b.reward || a.pk - b.pk : b.reward - a.reward || b.pk - a.pk));
      expect(
        got.map((i) => i.id),
        `${order}${filter}`,
      ).toEqual(expected.map((e) => e.id));
    }
    // At these weights the order differs from the stored reward's.
    const storedOrder = await walk('sort=reward&order=desc');
    expect(storedOrder.map((i) => i.id)).not.toEqual((await walk('sort=reward&order=desc&lambda=0&mu=5')).map((i) => i.id));
  });
});

describe('the list under a judge', () => {
  const JUDGES = ['judge-v2', 'judge-v3', 'judge'];

  it('process score and reward of every item are lib/domain’s over the judge’s judgments', async () => {
    for (const judge of JUDGES) {
      for (const weights of ['', '&lambda=1.5&mu=0.2']) {
        const page = await list(`judge=${judge}${weights}&limit=500`);
        expect(page.judge).toBe(judge);
        expect(page.items).toHaveLength(LINES.length);
        const view = { judge, lambda: weights ? 1.5 : 0.5, mu: weights ? 0.2 : 0.1 };
        for (const item of page.items) {
          const d = domainView(LINES[byIdThenPk.get(item.id)!]!, view);
          expect(item.process_score, `${judge} ${item.id}`).toBe(d.processScore);
          expect(item.reward, `${judge} ${item.id}`).toBe(d.reward);
        }
      }
    }
    // The judges disagree somewhere, or this test would prove nothing.
    const v2 = (await list('judge=judge-v2&limit=500')).items.map((i: { process_score: number | null }) => i.process_score);
    const v3 = (await list('judge=judge-v3&limit=500')).items.map((i: { process_score: number | null }) => i.process_score);
    expect(v2).not.toEqual(v3);
  });

  it('sorts by the judge’s process score and reward, nulls last, with and without filters and windows', async () => {
    const run = LINES[0]!.run.id;
    const benchmark = LINES[0]!.query.benchmark!;
    const model = LINES[0]!.steps[0]!.model;
    const costs = [...stored.values()].map((f) => f.costUsd).sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)]!;
    const filters: [string, (l: TraceLine) => boolean][] = [
      ['', () => true],
      [`&run=${encodeURIComponent(run)}`, (l) => l.run.id === run],
      ['&correct=false', (l) => !l.correct],
      [`&benchmark=${encodeURIComponent(benchmark)}`, (l) => l.query.benchmark === benchmark],
      [`&min_cost=${median}`, (l) => stored.get(l.id)!.costUsd >= median],
      [`&model=${encodeURIComponent(model)}`, (l) => l.steps.some((s) => s.model === model)],
    ];
    for (const judge of ['judge-v3', 'judge']) {
      for (const sort of ['process_score', 'reward'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          for (const [filter, keep] of filters) {
            const view = { judge, lambda: 0.5, mu: 0.1 };
            const expected = LINES.filter(keep)
              .map((l) => {
                const d = domainView(l, view);
                return { id: l.id, v: sort === 'reward' ? d.reward : d.processScore, pk: byIdThenPk.get(l.id)! };
              })
              .sort((a, b) => {
                if (a.v === null || b.v === null) return a.v === b.v ? (order === 'asc' ? a.pk - b.pk : b.pk - a.pk) : a.v === null ? 1 : -1;
                return order === 'asc' ? a.v - b.v || a.pk - b.pk : b.v - a.v || b.pk - a.pk;
              })
              .map((e) => e.id);
            const got = await walk(`judge=${judge}&sort=${sort}&order=${order}${filter}`);
            expect(
              got.map((i) => i.id),
              `${judge} ${sort} ${order} ${filter}`,
            ).toEqual(expected);
          }
        }
      }
    }
  });
});

describe('the list under a judge when the window holds too few rows', () => {
  it('reads the filter’s rows and sorts them, in the same order as through the window', async () => {
    for (const [sort, filter] of [
      ['reward', { correct: false }],
      ['process_score', { benchmark: LINES[0]!.query.benchmark! }],
    ] as const) {
      const view = { judge: 'judge-v3', lambda: 0.5, mu: 0.1 };
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listTrajectories(filter, { sort, order: 'desc', limit: 5, cursor }, { window: 1, view });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      const query = new URLSearchParams({
        judge: 'judge-v3',
        sort,
        order: 'desc',
        ...Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)])),
      });
      expect(ids).toEqual((await walk(query.toString())).map((i) => i.id));
      expect(ids.length).toBeGreaterThan(3);
    }
  });
});

describe('the runs under a judge and weights', () => {
  it('mean process score and mean reward are lib/domain’s over each run’s trajectories', async () => {
    for (const query of ['', 'judge=judge-v3', 'judge=judge&lambda=2&mu=0.5', 'lambda=0&mu=3']) {
      const params = new URLSearchParams(query);
      const view = { judge: params.get('judge'), lambda: Number(params.get('lambda') ?? 0.5), mu: Number(params.get('mu') ?? 0.1) };
      const res = await call(getRuns, { path: `/api/runs?${query}` });
      const body = await json<Body>(res);
      expect(body).toMatchObject({ judge: view.judge, lambda: view.lambda, mu: view.mu });
      for (const run of body.runs) {
        const figures = LINES.filter((l) => l.run.id === run.id).map((l) => domainView(l, view));
        const defined = figures.filter((f) => f.processScore !== null);
        expect(run.mean_process_score, `${query} ${run.id}`).toBeCloseTo(defined.reduce((s, f) => s + f.processScore!, 0) / defined.length, 12);
        expect(run.n_process_score).toBe(defined.length);
        expect(run.mean_reward, `${query} ${run.id}`).toBeCloseTo(figures.reduce((s, f) => s + f.reward, 0) / figures.length, 12);
      }
    }
  });
});

describe('bad view settings on the list', () => {
  it('an unknown judge is a 400 that lists the known ones', async () => {
    const res = await call(getList, { path: '/api/trajectories?judge=judge-v9' });
    expect(res.status).toBe(400);
    const body = await json<Body>(res);
    expect(body.error.details.known_judges).toEqual(['judge', 'judge-v2', 'judge-v3']);
  });
});
