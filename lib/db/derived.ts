// Recomputes the stored derived figures of one trajectory from what is stored now (prices, steps,
// criteria, judgments and the newest human label of each one's item), through lib/domain, and moves the run
// rollups by the difference. Called in the transaction of every change that can move them: a label,
// a replaced trajectory.
import type pg from 'pg';
import { trajectoryFigures } from '@/lib/domain';
import { criterionDefs, judgmentInputs, loadCriteria, loadJudgments } from './items';
import { judgeFiguresOf, shareJudges, writeJudgeFigures } from './judge-figures';
import { RollupDeltas } from './rollups';
import { syncAgreement } from './agreement-counts';
import { recomputeRoutingQuality } from './routing-rollups';
import { contributionOfRow } from './training-rollups';

/** The figures of a trajectory that a label's answer carries, as recomputeTrajectory stored them. */
export interface RecomputedTrajectory {
  id: string;
  process_score: number | null;
  reward: number;
  labelled: boolean;
}

export async function recomputeTrajectory(client: pg.PoolClient, pk: number, deltas?: RollupDeltas): Promise<RecomputedTrajectory> {
  await shareJudges(client);
  const t = await client.query<{
    run_id: string;
    rubric_id: string | null;
    correct: boolean;
    model_ids: string[];
    step_count: number;
    cost_usd: number;
    process_score: number | null;
    savings: number | null;
    reward: number;
    query_id: string;
    all_largest_usd: number;
    training_step: number | null;
    training_group: string | null;
    benchmark: string | null;
    tokens_in: number;
    tokens_out: number;
  }>(
    `SELECT run_id, rubric_id, correct, model_ids, step_count, cost_usd, process_score, savings, reward,
            query_id, all_largest_usd, training_step, training_group, benchmark, tokens_in, tokens_out
       FROM trajectories WHERE pk = $1 FOR UPDATE`,
    [pk],
  );
  const row = t.rows[0];
  if (!row) throw new Error(`trajectory ${pk} not found`);
  // One client runs one query at a time: these go in sequence.
  const models = await client.query<{ id: string; usd_per_mtok_in: number; usd_per_mtok_out: number }>(
    'SELECT id, usd_per_mtok_in, usd_per_mtok_out FROM models WHERE id = ANY($1::text[])',
    [row.model_ids],
  );
  const steps = await client.query<{ model: string; tokens_in: number; tokens_out: number; given_cost_usd: number | null }>(
    'SELECT model, tokens_in, tokens_out, given_cost_usd FROM steps WHERE trajectory_pk = $1 ORDER BY index',
    [pk],
  );
  const criteria = criterionDefs(await loadCriteria(client, row.rubric_id));
  const judgments = await loadJudgments(client, pk);
  // Every item has a judgment (a labelled item that loses its judges keeps a person's own).
  const labelled = judgments.some((j) => j.label_id !== null);
  const byId = new Map(models.rows.map((m) => [m.id, m]));
  const inputs = judgmentInputs(judgments);
  const f = trajectoryFigures({
    models: row.model_ids.map((id) => {
      const m = byId.get(id);
      if (!m) throw new Error(`model ${id} of trajectory ${pk} is not stored`);
      return { id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out };
    }),
    steps: steps.rows.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.given_cost_usd })),
    correct: row.correct,
    criteria,
    judgments: inputs,
  });
  const stored = await client.query<RecomputedTrajectory>(
    `UPDATE trajectories SET cost_usd = $2, all_largest_usd = $3, savings = $4, process_score = $5, reward = $6,
            labelled = $7, updated_at = now() WHERE pk = $1
     RETURNING id, process_score, reward, labelled`,
    [pk, f.costUsd, f.allLargestUsd, f.savings, f.processScore, f.reward, labelled],
  );
  const own = deltas ?? new RollupDeltas();
  const kept = { benchmark: row.benchmark, tokensIn: row.tokens_in, tokensOut: row.tokens_out };
  own.addTrajectory(
    row.run_id,
    {
      ...kept,
      correct: row.correct,
      stepCount: row.step_count,
      costUsd: row.cost_usd,
      processScore: row.process_score,
      savings: row.savings,
      reward: row.reward,
      allLargestUsd: row.all_largest_usd,
      allLargestModel: f.allLargestModel,
    },
    -1,
  );
  own.addTrajectory(
    row.run_id,
    {
      ...kept,
      correct: row.correct,
      stepCount: row.step_count,
      costUsd: f.costUsd,
      processScore: f.processScore,
      savings: f.savings,
      reward: f.reward,
      allLargestUsd: f.allLargestUsd,
      allLargestModel: f.allLargestModel,
    },
    1,
  );
  if (row.training_step !== null) {
    const byModel = new Map<string, number>();
    for (const s of steps.rows) byModel.set(s.model, (byModel.get(s.model) ?? 0) + 1);
    own.training.add(contributionOfRow(row, byModel), -1);
    own.training.add(contributionOfRow({ ...row, cost_usd: f.costUsd, all_largest_usd: f.allLargestUsd, process_score: f.processScore }, byModel), 1);
  }
  // The trajectory count must not move: the two calls above cancel it, and the step/cost parts.
  await recomputeRoutingQuality(
    client,
    pk,
    steps.rows.map((s) => s.model),
    f.stepRubricScores,
    own.routing,
  );
  // Every judge's figures of the trajectory (judge-figures.ts), moved the same way.
  const byJudge = judgeFiguresOf({ correct: row.correct, costUsd: f.costUsd, allLargestUsd: f.allLargestUsd, criteria, judgments: inputs });
  // The stored ones leave (-1) as the new ones are written, in one statement.
  await writeJudgeFigures(client, [{ pk, figures: byJudge }], own.judges);
  own.judges.addTrajectory(row.run_id, byJudge, 1);
  // Its part of the agreement counts (agreement-counts.ts), moved the same way.
  await syncAgreement(client, [pk], own.agreement);
  if (!deltas) await own.apply(client);
  return stored.rows[0]!;
}
