import 'server-only';
// The stored parts of one trajectory that the detail, scores and cost routes share: the row itself,
// its models in the line's order, its rubric's criteria, and its judgments with the newest human label.
import type pg from 'pg';
import { scaleOf } from '@/lib/db/derived';
import { effectiveScore, type CriterionDef, type JudgmentInput, type ModelPrice, type Scale } from '@/lib/domain';
import { notFound } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';

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
}

/** No stored id holds NUL (PostgreSQL text cannot), so such an id is simply not found. */
export const storableId = (id: string) => !id.includes('\u0000');

export async function findTrajectory(db: pg.Pool, id: string): Promise<TrajectoryRecord> {
  if (!storableId(id)) throw notFound(`trajectory "${id.replaceAll('\u0000', '\\0')}"`);
  const [row] = await queryRows<TrajectoryRecord>(
    db,
    sql`SELECT pk, id, run_id, query_id, rubric_id, benchmark, correct, final_answer, meta, model_ids, step_count, cost_usd,
               all_largest_usd, savings, process_score, reward, labelled, ingested_at, updated_at
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
export async function loadModels(db: pg.Pool, modelIds: readonly string[]): Promise<ModelRecord[]> {
  return queryRows<ModelRecord>(
    db,
    sql`SELECT m.id, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out
          FROM unnest(${[...modelIds]}::text[]) WITH ORDINALITY AS u(id, n) JOIN models m ON m.id = u.id
         ORDER BY u.n`,
  );
}

export const pricesOf = (models: readonly ModelRecord[]): ModelPrice[] =>
  models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out }));

export interface CriterionRecord {
  id: string;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
}

export async function loadCriteria(db: pg.Pool, rubricId: string | null): Promise<CriterionRecord[]> {
  if (rubricId === null) return [];
  return queryRows<CriterionRecord>(
    db,
    sql`SELECT id, text, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = ${rubricId} ORDER BY position`,
  );
}

export const scaleOfCriterion = (c: CriterionRecord): Scale => scaleOf(c.kind, c.scale_min, c.scale_max);

export const criterionDefs = (criteria: readonly CriterionRecord[]): CriterionDef[] =>
  criteria.map((c) => ({ id: c.id, weight: c.weight, scale: scaleOfCriterion(c) }));

/** A criterion's scale as the trace format writes it. */
export function scaleJson(c: CriterionRecord): { kind: Scale['kind']; min?: number; max?: number } {
  const s = scaleOfCriterion(c);
  return s.kind === 'numeric' ? { kind: s.kind, min: s.min, max: s.max } : { kind: s.kind };
}

export interface JudgmentRecord {
  id: number;
  position: number;
  criterion_id: string;
  steps: number[];
  judge_score: number | null;
  rationale: string | null;
  judge: string | null;
  version: number;
  /** The newest human label, when there is one. */
  human_score: number | null;
  labelled_by: string | null;
  labelled_at: Date | null;
  label_rationale: string | null;
}

export async function loadJudgments(db: pg.Pool, pk: number): Promise<JudgmentRecord[]> {
  return queryRows<JudgmentRecord>(
    db,
    sql`SELECT j.id, j.position, j.criterion_id, j.steps, j.judge_score, j.rationale, j.judge, j.version,
               l.score AS human_score, l.author AS labelled_by, l.created_at AS labelled_at, l.rationale AS label_rationale
          FROM judgments j
          LEFT JOIN LATERAL (
            SELECT score, author, created_at, rationale FROM labels WHERE judgment_id = j.id ORDER BY version DESC LIMIT 1
          ) l ON true
         WHERE j.trajectory_pk = ${pk}
         ORDER BY j.position`,
  );
}

const judgmentInput = (j: JudgmentRecord): JudgmentInput => ({
  criterion: j.criterion_id,
  steps: j.steps,
  judgeScore: j.judge_score,
  humanScore: j.human_score,
  judge: j.judge,
});

export const judgmentInputs = (judgments: readonly JudgmentRecord[]): JudgmentInput[] => judgments.map(judgmentInput);

/** A judgment as the read routes show it: the judge's score and the effective one, with its source. */
export function judgmentJson(j: JudgmentRecord) {
  const human = j.human_score !== null;
  return {
    id: j.id,
    criterion: j.criterion_id,
    steps: j.steps,
    judge_score: j.judge_score,
    effective_score: effectiveScore(judgmentInput(j)),
    source: human ? ('human' as const) : ('judge' as const),
    labelled_by: j.labelled_by,
    labelled_at: j.labelled_at?.toISOString() ?? null,
    version: j.version,
    rationale: j.rationale,
    label_rationale: j.label_rationale,
    judge: j.judge,
  };
}
