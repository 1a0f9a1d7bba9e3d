// SQL that computes a scoring.md figure for speed gives lib/domain's result: the cost of the steps
// before a page (sum(cost_usd ORDER BY index)), from which a page's cumulative costs start, and the
// per-model breakdown that ingest keeps in run_model_stats.
import { describe, expect, it } from 'vitest';
import { costBreakdown, cumulativeCosts, mergeBreakdowns, trajectoryCost } from '@/lib/domain';
import { DEMO_RUNS, generateTraces, serializeLine } from '@/lib/generate';
import { getTrajectory } from '@/lib/server/queries/trajectory';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

const db = useTestDatabase('sqldomain');

interface StepRow {
  trajectory_pk: number;
  id: string;
  run_id: string;
  model: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  t_cost: number;
}

async function storedSteps(): Promise<Map<number, StepRow[]>> {
  const r = await db.pool().query<StepRow>(
    `SELECT s.trajectory_pk, t.id, t.run_id, s.model, s.tokens_in, s.tokens_out, s.cost_usd, t.cost_usd AS t_cost
       FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk ORDER BY s.trajectory_pk, s.index`,
  );
  const by = new Map<number, StepRow[]>();
  for (const row of r.rows) by.set(row.trajectory_pk, [...(by.get(row.trajectory_pk) ?? []), row]);
  return by;
}

describe('SQL figures equal lib/domain', () => {
  it('ingests generated traces', async () => {
    const runs = DEMO_RUNS.map((r) => ({ ...r, id: `sd-${r.id}` }));
    const lines = [...generateTraces({ seed: 23, queries: 10, runs, trajectoriesPerQueryPerRun: 2, steps: { min: 1, max: 14 } })];
    const s = await ingestText(lines.map(serializeLine).join('\n') + '\n', { batchLines: 13 });
    expect(s).toMatchObject({ stored: lines.length, failed: 0 });
  });

  it('a page of steps starts from the cost before it as cumulativeCosts adds it, to the bit', async () => {
    const byTrajectory = await storedSteps();
    let pages = 0;
    for (const steps of [...byTrajectory.values()].slice(0, 30)) {
      const costs = steps.map((s) => s.cost_usd);
      const whole = cumulativeCosts(costs);
      expect(steps[0]!.t_cost).toBe(trajectoryCost(costs));
      for (const from of [0, 1, Math.floor(steps.length / 2), steps.length - 1]) {
        if (from < 0 || from >= steps.length) continue;
        const page = await getTrajectory(steps[0]!.id, { steps_from: from, steps_limit: 3, fields: 'light' });
        expect(page.steps.map((s) => s.cumulative_cost_usd)).toEqual(whole.slice(from, from + 3));
        pages++;
      }
    }
    expect(pages).toBeGreaterThan(60);
  });

  it("run_model_stats, kept by ingest, is lib/domain's breakdown of the run's trajectories", async () => {
    const byTrajectory = await storedSteps();
    const byRun = new Map<string, ReturnType<typeof costBreakdown>[]>();
    for (const steps of byTrajectory.values()) {
      const b = costBreakdown(
        steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out })),
        steps.map((s) => s.cost_usd),
      );
      byRun.set(steps[0]!.run_id, [...(byRun.get(steps[0]!.run_id) ?? []), b]);
    }
    const stored = await db
      .pool()
      .query<{ run_id: string; model: string; steps: number; tokens_in: number; tokens_out: number; cost_usd: number }>(
        'SELECT run_id, model, steps, tokens_in, tokens_out, cost_usd FROM run_model_stats ORDER BY run_id, model',
      );
    expect(new Set(stored.rows.map((r) => r.run_id))).toEqual(new Set(byRun.keys()));
    for (const [run, list] of byRun) {
      const want = mergeBreakdowns(list).sort((a, b) => (a.model < b.model ? -1 : 1));
      const got = stored.rows.filter((r) => r.run_id === run);
      expect(got.map((r) => [r.model, r.steps, r.tokens_in, r.tokens_out])).toEqual(want.map((w) => [w.model, w.steps, w.tokensIn, w.tokensOut]));
      // Sums of doubles in another order: equal but for rounding.
      got.forEach((r, i) => expect(r.cost_usd).toBeCloseTo(want[i]!.costUsd, 12));
    }
  });
});
