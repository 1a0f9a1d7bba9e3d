// The view settings over many trajectories: generated traces that three judges scored (judge-v2, the
// unnamed judge, judge-v3), ingested, then every figure that a view computes in SQL for speed checked
// against lib/domain over the lines themselves: the list's reward column and reward sort at other
// lambda and mu.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getList } from '@/app/api/trajectories/route';
import { combinedReward, trajectoryFigures, viewScores, type RewardSettings } from '@/lib/domain';
import { generateTraces, renderJsonl, type TraceLine } from '@/lib/generate';
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
        expect(r.reward, r.id).toBe(combinedReward({ correct: LINES[byIdThenPk.get(r.id)!]!.correct, processScore: f.processScore, costUsd: f.costUsd, allLargestUsd: f.allLargestUsd }, view));
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
      expect(got.map((i) => i.id), `${order}${filter}`).toEqual(expected.map((e) => e.id));
    }
    // At these weights the order differs from the stored reward's.
    const storedOrder = await walk('sort=reward&order=desc');
    expect(storedOrder.map((i) => i.id)).not.toEqual((await walk('sort=reward&order=desc&lambda=0&mu=5')).map((i) => i.id));
  });
});
