import 'server-only';
// The stored parts of one trajectory that the detail, scores and cost routes share: the row itself,
// its models in the line's order, its rubric's criteria, and its judgments with their item's newest
// human label (lib/db/items).
import { scaleOfCriterion, type CriterionRecord, type JudgmentRecord } from '@/lib/db/items';
import { effectiveScore, type ModelPrice, type Scale } from '@/lib/domain';
import { notFound } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';
import type { SqlExecutor } from '@/lib/db/prisma';

export interface TrajectoryRecord {
  pk: number;
  id: string;
  run_id: string;
  query_id: string;
  rubric_id: string | null;
  benchmark: string | null;
  correct: boolean;
  final_answer: string | null;
  meta: unknown;
  model_ids: string[];
  step_count: number;
  cost_usd: number;
  all_largest_usd: number;
  savings: number | null;
  process_score: number | null;
  reward: number;
  labelled: boolean;
  ingested_at: Date;
  updated_at: Date;
  /** training.step and the rollout's group (named, or "<query id>@<step>"); null without training. */
  training_step: number | null;
  training_group: string | null;
}

/** No stored id holds NUL (PostgreSQL text cannot), so such an id is simply not found. */
export const storableId = (id: string) => !id.includes('\u0000');

export async function findTrajectory(db: SqlExecutor, id: string): Promise<TrajectoryRecord> {
  if (!storableId(id)) throw notFound(`trajectory "${id.replaceAll('\u0000', '\\0')}"`);
  const [row] = await queryRows<TrajectoryRecord>(
    db,
    sql`SELECT pk, id, run_id, query_id, rubric_id, benchmark, correct, final_answer, meta, model_ids, step_count, cost_usd,
               all_largest_usd, savings, process_score, reward, labelled, ingested_at, updated_at, training_step, training_group
          FROM trajectories WHERE id = ${id}`,
  );
  if (!row) throw notFound(`trajectory "${id}"`);
  return row;
}

export interface ModelRecord {
  id: string;
  params_b: number | null;
  usd_per_mtok_in: number;
  usd_per_mtok_out: number;
}

/** The trajectory's `models`, in the order its line gave them. */
export async function loadModels(db: SqlExecutor, modelIds: readonly string[]): Promise<ModelRecord[]> {
  return queryRows<ModelRecord>(
    db,
    sql`SELECT m.id, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out
          FROM unnest(${[...modelIds]}::text[]) WITH ORDINALITY AS u(id, n) JOIN models m ON m.id = u.id
         ORDER BY u.n`,
  );
}

export const pricesOf = (models: readonly ModelRecord[]): ModelPrice[] =>
  models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out }));

/** A criterion's scale as the trace format writes it. */
export function scaleJson(c: CriterionRecord): Scale {
  const s = scaleOfCriterion(c);
  return s.kind === 'numeric' ? { kind: s.kind, min: s.min, max: s.max } : { kind: s.kind };
}

/**
 * A judgment as the read routes show it: the judge's score and the effective one, with its source,
 * and its item (whose newest human label corrects every judge of it).
 */
export function judgmentJson(j: JudgmentRecord) {
  const human = j.human_score !== null;
  return {
    id: j.id,
    item_id: j.item_id,
    criterion: j.criterion_id,
    steps: j.steps,
    judge_score: j.judge_score,
    effective_score: effectiveScore({ criterion: j.criterion_id, steps: j.steps, judgeScore: j.judge_score, humanScore: j.human_score }),
    source: human ? ('human' as const) : ('judge' as const),
    labelled_by: j.labelled_by,
    labelled_by_name: j.labelled_by_name,
    labelled_at: j.labelled_at?.toISOString() ?? null,
    label_on_earlier_content: j.label_on_earlier_content ?? false,
    version: j.version,
    rationale: j.rationale,
    label_rationale: j.label_rationale,
    judge: j.judge,
  };
}
