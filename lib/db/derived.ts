// Recomputes the stored derived figures of one trajectory from what is stored now (prices, steps,
// criteria, judgments and the newest human label of each one's item), through lib/domain, and moves the run
// rollups by the difference. Called in the transaction of every change that can move them: a label,
// a replaced trajectory.
import type pg from 'pg';
import { trajectoryFigures, type Scale } from '@/lib/domain';
import { criterionDefs, judgmentInputs } from './items';
import { JUDGES_LOCK, judgeFiguresOf, writeJudgeFigures } from './judge-figures';
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

/**
 * What recomputeTrajectory reads, in one statement: the trajectory row (locked), its models' prices, its
 * steps, its rubric's criteria and its judgments with their items' newest labels, the lists as JSON
 * arrays of what lib/domain needs alone. The judges' lock (JUDGES_LOCK, shared) is taken in the same
 * statement, before the row's lock. Every caller holds the trajectory's lock already, and what the statement reads
 * of other rows (models, criteria) is never changed once stored, so the statement's snapshot, taken
 * before those locks, reads what separate statements after them would.
 */
const RECOMPUTE_READ = `
  SELECT t.run_id, t.rubric_id, t.correct, t.model_ids, t.step_count, t.cost_usd, t.process_score, t.savings, t.reward,
         t.query_id, t.all_largest_usd, t.training_step, t.training_group, t.benchmark, t.tokens_in, t.tokens_out,
         (SELECT coalesce(json_agg(json_build_array(m.id, m.usd_per_mtok_in, m.usd_per_mtok_out)), '[]')
            FROM models m WHERE m.id = ANY(t.model_ids)) AS models,
         (SELECT coalesce(json_agg(json_build_array(s.model, s.tokens_in, s.tokens_out, s.given_cost_usd) ORDER BY s.index), '[]')
            FROM steps s WHERE s.trajectory_pk = t.pk) AS steps,
         (SELECT coalesce(json_agg(json_build_array(c.id, c.weight, c.kind, c.scale_min, c.scale_max) ORDER BY c.position), '[]')
            FROM criteria c WHERE c.rubric_id = t.rubric_id) AS criteria,
         (SELECT coalesce(json_agg(json_build_array(j.criterion_id, j.steps, j.judge_score, nl.score, j.judge, nl.id IS NOT NULL) ORDER BY j.position), '[]')
            FROM judgments j LEFT JOIN LATERAL newest_label(j.item_id) nl ON true WHERE j.trajectory_pk = t.pk) AS judgments
    FROM (SELECT pg_advisory_xact_lock_shared($2)::text) AS judges_lock, trajectories t
   WHERE t.pk = $1
     FOR UPDATE OF t`;

interface RecomputeRow {
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
  /** [id, usd_per_mtok_in, usd_per_mtok_out] */
  models: [string, number, number][];
  /** [model, tokens_in, tokens_out, given_cost_usd], in step order */
  steps: [string, number, number, number | null][];
  /** [id, weight, kind, scale_min, scale_max], by position */
  criteria: [string, number, Scale['kind'], number | null, number | null][];
  /** [criterion_id, steps, judge_score, newest label's score, judge, labelled], by position */
  judgments: [string, number[] | null, number | null, number | null, string | null, boolean][];
}

export async function recomputeTrajectory(client: pg.PoolClient, pk: number, deltas?: RollupDeltas): Promise<RecomputedTrajectory> {
  const t = await client.query<RecomputeRow>(RECOMPUTE_READ, [pk, JUDGES_LOCK]);
  const row = t.rows[0];
  if (!row) throw new Error(`trajectory ${pk} not found`);
  const byId = new Map(row.models.map(([id, usdPerMtokIn, usdPerMtokOut]) => [id, { usdPerMtokIn, usdPerMtokOut }]));
  const steps = row.steps.map(([model, tokensIn, tokensOut, costUsd]) => ({ model, tokensIn, tokensOut, costUsd }));
  const criteria = criterionDefs(row.criteria.map(([id, weight, kind, scale_min, scale_max]) => ({ id, weight, kind, scale_min, scale_max })));
  const judgments = row.judgments.map(([criterion_id, steps, judge_score, human_score, judge]) => ({ criterion_id, steps, judge_score, human_score, judge }));
  // Every item has a judgment (a labelled item that loses its judges keeps a person's own).
  const labelled = row.judgments.some((j) => j[5]);
  const inputs = judgmentInputs(judgments);
  const f = trajectoryFigures({
    models: row.model_ids.map((id) => {
      const m = byId.get(id);
      if (!m) throw new Error(`model ${id} of trajectory ${pk} is not stored`);
      return { id, ...m };
    }),
    steps,
    correct: row.correct,
    criteria,
    judgments: inputs,
  });
  const stored = await client.query<RecomputedTrajectory>(
    `UPDATE trajectories SET cost_usd = $2, all_largest_usd = $3, savings = $4, process_score = $5, reward = $6,
            labelled = $7, step_rubric_scores = $8::float8[], updated_at = now() WHERE pk = $1
     RETURNING id, process_score, reward, labelled`,
    [pk, f.costUsd, f.allLargestUsd, f.savings, f.processScore, f.reward, labelled, f.stepRubricScores],
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
    for (const s of steps) byModel.set(s.model, (byModel.get(s.model) ?? 0) + 1);
    own.training.add(contributionOfRow(row, byModel), -1);
    own.training.add(contributionOfRow({ ...row, cost_usd: f.costUsd, all_largest_usd: f.allLargestUsd, process_score: f.processScore }, byModel), 1);
  }
  // The trajectory count must not move: the two calls above cancel it, and the step/cost parts.
  await recomputeRoutingQuality(
    client,
    pk,
    steps.map((s) => s.model),
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
