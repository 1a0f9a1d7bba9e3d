// Recomputes the stored derived figures of one trajectory from what is stored now (prices, steps,
// criteria, judgments and the newest human label of each), through lib/domain, and moves the run
// rollups by the difference. Called in the transaction of every change that can move them: a label,
// a replaced trajectory.
import type pg from 'pg';
import { trajectoryFigures, type CriterionDef, type Scale } from '@/lib/domain';
import { RollupDeltas } from './rollups';
import { recomputeRoutingQuality } from './routing-rollups';

interface CriterionDbRow {
  id: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
}

export function scaleOf(kind: Scale['kind'], min: number | null, max: number | null): Scale {
  return kind === 'numeric' ? { kind, min: min ?? 0, max: max ?? 1 } : { kind };
}

export async function loadCriteria(client: pg.PoolClient | pg.Pool, rubricId: string | null): Promise<CriterionDef[]> {
  if (!rubricId) return [];
  const r = await client.query<CriterionDbRow>(
    'SELECT id, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = $1 ORDER BY position',
    [rubricId],
  );
  return r.rows.map((c) => ({ id: c.id, weight: c.weight, scale: scaleOf(c.kind, c.scale_min, c.scale_max) }));
}

export async function recomputeTrajectory(client: pg.PoolClient, pk: number, deltas?: RollupDeltas): Promise<void> {
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
  }>(
    `SELECT run_id, rubric_id, correct, model_ids, step_count, cost_usd, process_score, savings, reward
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
  const criteria = await loadCriteria(client, row.rubric_id);
  const judgments = await client.query<{ criterion_id: string; steps: number[]; judge_score: number | null; human: number | null }>(
      `SELECT j.criterion_id, j.steps, j.judge_score,
              (SELECT l.score FROM labels l WHERE l.judgment_id = j.id ORDER BY l.version DESC LIMIT 1) AS human
         FROM judgments j WHERE j.trajectory_pk = $1 ORDER BY j.position`,
      [pk],
    );
  const labelled = await client.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM labels l JOIN judgments j ON j.id = l.judgment_id WHERE j.trajectory_pk = $1) AS any',
      [pk],
    );
  const byId = new Map(models.rows.map((m) => [m.id, m]));
  const f = trajectoryFigures({
    models: row.model_ids.map((id) => {
      const m = byId.get(id);
      if (!m) throw new Error(`model ${id} of trajectory ${pk} is not stored`);
      return { id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out };
    }),
    steps: steps.rows.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.given_cost_usd })),
    correct: row.correct,
    criteria,
    judgments: judgments.rows.map((j) => ({ criterion: j.criterion_id, steps: j.steps, judgeScore: j.judge_score, humanScore: j.human })),
  });
  await client.query(
    `UPDATE trajectories SET cost_usd = $2, all_largest_usd = $3, savings = $4, process_score = $5, reward = $6,
            labelled = $7, updated_at = now() WHERE pk = $1`,
    [pk, f.costUsd, f.allLargestUsd, f.savings, f.processScore, f.reward, labelled.rows[0]?.any ?? false],
  );
  const own = deltas ?? new RollupDeltas();
  own.addTrajectory(row.run_id, { correct: row.correct, stepCount: row.step_count, costUsd: row.cost_usd, processScore: row.process_score, savings: row.savings, reward: row.reward }, -1);
  own.addTrajectory(row.run_id, { correct: row.correct, stepCount: row.step_count, costUsd: f.costUsd, processScore: f.processScore, savings: f.savings, reward: f.reward }, 1);
  // The trajectory count must not move: the two calls above cancel it, and the step/cost parts.
  await recomputeRoutingQuality(client, pk, steps.rows.map((s) => s.model), f.stepRubricScores, own.routing);
  if (!deltas) await own.apply(client);
}
