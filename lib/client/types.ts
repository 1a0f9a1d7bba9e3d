// The JSON shapes of the read API (../shared/spec/api.md) as the browser receives them. Fields that
// api.md does not fix are optional: the pages show them when the server sends them.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface RunSummary {
  id: string;
  policy: string | null;
  trajectories: number;
  accuracy: number | null;
  mean_cost_usd: number | null;
  mean_process_score: number | null;
  mean_savings: number | null;
  steps: number;
  step_share_by_model: Record<string, number>;
  mean_reward?: number | null;
  total_cost_usd?: number;
  cost_by_model?: Record<string, number>;
  models?: RunModel[];
  accuracy_ci?: [number, number] | null;
  mean_cost_ci?: [number, number] | null;
  /** Training steps of the run's rollouts; 0 (or absent) for a run that is not a training run. */
  training_steps?: number;
}

export interface RunModel {
  id: string;
  params_b: number | null;
  usd_per_mtok_in: number | null;
  usd_per_mtok_out: number | null;
  steps: number;
  cost_usd: number;
  step_share: number | null;
  cost_share: number | null;
}

export interface RunsResponse {
  runs: RunSummary[];
}

export type { JudgeSummary } from '@/lib/server/queries/judges';
export type { ExportCounts, KindCount } from '@/lib/server/queries/export-counts';

export interface ModelInfo {
  id: string;
  params_b?: number | null;
  usd_per_mtok_in: number;
  usd_per_mtok_out: number;
}

// The server's own shapes, type-only (erased from the bundle): one definition, no drift.
export type { TrajectoryListItem } from '@/lib/server/queries/trajectory-list';
import type { TrajectoryListItem } from '@/lib/server/queries/trajectory-list';

export interface TrajectoryListResponse {
  items: TrajectoryListItem[];
  next_cursor: string | null;
  total: number;
}

export type Scale = { kind: 'binary' } | { kind: 'ternary' } | { kind: 'numeric'; min: number; max: number };

export interface RubricCriterion {
  id: string;
  text: string;
  weight: number;
  scale: Scale;
}

export interface Rubric {
  id: string;
  generator?: string | null;
  criteria: RubricCriterion[];
}

/** A step as the detail route sends it; `text` is absent from `?fields=light`. */
export interface StepDetail {
  index: number;
  model: string;
  text?: string;
  tokens_in: number;
  tokens_out: number;
  latency_ms?: number | null;
  router?: { probs?: Record<string, number> } | null;
  cost_usd: number;
  cumulative_cost_usd: number;
  rubric_score: number | null;
  /** up / down: a switch to a more / less expensive model than the previous step's. */
  escalation?: 'up' | 'down' | null;
  chosen_probability?: number | null;
  normalized_entropy?: number | null;
}

/** A judgment as the detail route sends it: the trace's fields plus its id and effective score. */
export interface TraceJudgment extends ScoredJudgment {
  score: number | null;
}

export interface TrajectoryDetail {
  id: string;
  run: { id: string; policy?: string | null; meta?: Record<string, unknown> | null };
  query: { id: string; benchmark?: string | null; text: string; reference_answer?: string | null };
  models: ModelInfo[];
  steps: StepDetail[];
  final_answer?: string | null;
  correct: boolean;
  rubric?: Rubric | null;
  judgments?: TraceJudgment[];
  meta?: Record<string, unknown> | null;
  cost_usd: number;
  process_score: number | null;
  reward: number;
  savings: number | null;
  all_largest_usd?: number;
  /** The trajectory's number of steps, whichever page of them this response holds. */
  step_count: number;
  steps_from: number;
  /** Where the next page of steps starts; null on the last page. */
  steps_next: number | null;
  fields: 'full' | 'light';
  labelled: boolean;
}

export interface ScoredJudgment {
  id: number;
  /** The judgment's item (trajectory, criterion, step set): its human label corrects every judge of it. */
  item_id: number;
  criterion: string;
  steps: number[];
  judge_score: number | null;
  effective_score: number | null;
  source: 'judge' | 'human';
  labelled_by: string | null;
  labelled_by_name?: string | null;
  labelled_at: string | null;
  /** The item's newest label was made before a replace on ingest changed the steps under it. */
  label_on_earlier_content?: boolean;
  version: number;
  rationale: string | null;
  label_rationale?: string | null;
  judge?: string | null;
}

export interface ScoresResponse {
  steps: { index: number; rubric_score: number | null }[];
  criteria: { id: string; weight: number; score: number | null; text?: string; scale?: Scale; judgments?: number }[];
  process_score: number | null;
  reward: number;
  lambda: number;
  mu: number;
  judgments: ScoredJudgment[];
}

export interface CostResponse {
  cost_usd: number;
  by_model: { model: string; steps: number; tokens_in: number; tokens_out: number; cost_usd: number; share: number | null }[];
  cumulative_usd: number[];
  counterfactual_usd: Record<string, number>;
  all_largest_usd: number;
  savings: number | null;
}

export type { QueryTrajectory } from '@/lib/server/queries/query';
import type { QueryTrajectory } from '@/lib/server/queries/query';

export interface QueryRunFigures {
  run_id: string;
  trajectories: number;
  correct: number;
  accuracy: number | null;
  mean_cost_usd: number | null;
  mean_process_score: number | null;
  mean_reward: number | null;
  mean_savings: number | null;
}

export interface QueryDetail {
  id: string;
  benchmark: string | null;
  text: string;
  reference_answer: string | null;
  /** Every rubric used for the query, with the number of its trajectories scored under it. */
  rubrics: (Rubric & { trajectories?: number })[];
  runs: QueryRunFigures[];
  trajectories: QueryTrajectory[];
  trajectories_total: number;
}

export interface PreferencePairRow {
  chosen: string;
  rejected: string;
  reason: 'outcome' | 'process' | 'cost';
  margin: number;
}

export interface PairsResponse {
  pairs: PreferencePairRow[];
  delta_p: number;
  ratio_c: number;
  cap: number | null;
  trajectories: number;
}

export interface IngestLineError {
  line: number;
  id: string | null;
  path: string;
  message: string;
}

export interface IngestReport {
  stored: number;
  unchanged: number;
  replaced: number;
  failed: number;
  errors: IngestLineError[];
  errors_omitted?: number;
  lines?: number;
}
