// GET /api/runs for the overview: figures per benchmark (matched without case) from
// run_benchmark_stats equal to lib/domain over the trajectories, 95% intervals, and savings against a
// chosen reference model.
import { beforeAll, describe, expect, it } from 'vitest';
import { meanInterval, savingsVsModel, wilsonInterval } from '@/lib/domain';
import { listRuns } from '@/lib/server/queries/runs';
import { DEFAULT_VIEW } from '@/lib/schemas/view-settings';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('runsoverview');

beforeAll(async () => {
  const lines = [
    baseLine('r1/a/0', { query: { id: 'a', benchmark: 'GSM8K', text: 'a' } }),
    baseLine('r1/a/1', { query: { id: 'a', benchmark: 'GSM8K', text: 'a' }, correct: false }),
    baseLine('r1/b/0', { query: { id: 'b', benchmark: 'AIME', text: 'b' } }),
    baseLine('r2/a/0', { run: { id: 'r2' }, query: { id: 'a', benchmark: 'GSM8K', text: 'a' } }),
  ];
  expect((await ingestText(jsonl(lines))).failed).toBe(0);
});

describe('runs for the overview', () => {
  it('recomputes each run for one benchmark, matched without case', async () => {
    const runs = await listRuns(DEFAULT_VIEW, { benchmark: 'gsm8k' });
    expect(runs.map((r) => [r.id, r.trajectories, r.correct])).toEqual([
      ['r1', 2, 1],
      ['r2', 1, 1],
    ]);
    const aime = await listRuns(DEFAULT_VIEW, { benchmark: 'aime' });
    expect(aime.map((r) => [r.id, r.trajectories])).toEqual([['r1', 1]]);
    expect(await listRuns(DEFAULT_VIEW, { benchmark: 'nothing' })).toEqual([]);
  });

  it("splits each run's steps by model over that benchmark only (run_benchmark_model_stats)", async () => {
    const [r1] = await listRuns(DEFAULT_VIEW, { benchmark: 'gsm8k' });
    const rows = (
      await db.pool().query<{ model: string; steps: number; cost: number }>(
        `SELECT s.model, count(*)::int AS steps, sum(s.cost_usd) AS cost FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk
          WHERE t.run_id = 'r1' AND t.benchmark = 'GSM8K' GROUP BY s.model`,
      )
    ).rows;
    const total = rows.reduce((n, r) => n + r.steps, 0);
    expect(r1!.steps).toBe(total);
    expect(Object.keys(r1!.step_share_by_model).sort()).toEqual(rows.map((r) => r.model).sort());
    for (const r of rows) {
      expect(r1!.step_share_by_model[r.model]).toBeCloseTo(r.steps / total, 12);
      expect(r1!.cost_by_model[r.model]).toBeCloseTo(r.cost, 12);
    }
    expect(Object.values(r1!.step_share_by_model).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives intervals equal to lib/domain over the stored trajectories', async () => {
    const t = (
      await db.pool().query<{ correct: boolean; cost_usd: number }>(`SELECT correct, cost_usd FROM trajectories WHERE run_id = 'r1' AND benchmark = 'GSM8K'`)
    ).rows;
    const [r1] = await listRuns(DEFAULT_VIEW, { benchmark: 'GSM8K' });
    expect(r1!.accuracy_ci).toEqual(wilsonInterval(t.filter((x) => x.correct).length, t.length));
    const sum = t.reduce((a, x) => a + x.cost_usd, 0);
    const sq = t.reduce((a, x) => a + x.cost_usd * x.cost_usd, 0);
    const [lo, hi] = meanInterval(t.length, sum, sq)!;
    expect(r1!.mean_cost_ci![0]).toBeCloseTo(lo, 12);
    expect(r1!.mean_cost_ci![1]).toBeCloseTo(hi, 12);
    const all = await listRuns();
    expect(all.find((r) => r.id === 'r2')!.mean_cost_ci).toBeNull(); // one trajectory: no t interval
  });

  it('compares every run against one reference model', async () => {
    const runs = await listRuns(DEFAULT_VIEW, { reference: 'small' });
    const r1 = runs.find((r) => r.id === 'r1')!;
    const tok = (
      await db
        .pool()
        .query<{ i: number; o: number; c: number }>(
          `SELECT sum(tokens_in)::float8 AS i, sum(tokens_out)::float8 AS o, sum(cost_usd) AS c FROM trajectories WHERE run_id = 'r1'`,
        )
    ).rows[0]!;
    const expected = savingsVsModel(tok.c, tok.i, tok.o, { id: 'small', usdPerMtokIn: 0.1, usdPerMtokOut: 0.4 });
    expect(r1.reference_cost_usd).toBeCloseTo(expected.counterfactualUsd, 12);
    expect(r1.savings_vs_reference).toBeCloseTo(expected.savings!, 12);
    // Against the small model, a run that used the large one spent more: negative savings.
    expect(r1.savings_vs_reference!).toBeLessThan(0);
    await expect(listRuns(DEFAULT_VIEW, { reference: 'nope' })).rejects.toThrow(/no model is named "nope"/);
  });
});
