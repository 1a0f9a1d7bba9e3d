// The JSON shapes of the label, queue and account routes as the browser receives them.
import type { Scale } from './types';
import type { Role } from './auth';
import type { KeyScope } from '@/lib/schemas/users';

export interface LabelEvent {
  id: number;
  judgment_id: number;
  version: number;
  score: number;
  rationale: string | null;
  user_id: number | null;
  author: string;
  author_name: string;
  created_at: string;
  revert_of: number | null;
  /** The judge whose score this label restores, when it is a revert to a judge's score. */
  revert_to_judge?: string | null;
  /** Made before a replace on ingest changed the steps under the item. */
  on_earlier_content?: boolean;
}

export interface JudgmentState {
  id: number;
  trajectory_id: string;
  criterion: { id: string; text: string; weight: number; scale: Scale };
  steps: number[];
  judge_score: number | null;
  rationale: string | null;
  judge: string | null;
  version: number;
  effective_score: number | null;
  source: 'judge' | 'human' | null;
  newest_label: LabelEvent | null;
  /** The item: every judge's judgment of the same criterion and step set. */
  item?: { id: number; steps: number[]; version: number; judgments: { id: number; judge: string | null; judge_score: number | null; rationale: string | null }[] };
}

export interface LabelHistory {
  judgment: JudgmentState;
  labels: LabelEvent[];
}

export interface LabelWritten {
  label: LabelEvent;
  version: number;
  judgment: JudgmentState;
  trajectory: { id: string; process_score: number | null; reward: number; labelled: boolean };
}

/** What a 409 on a label carries in error.details. */
export interface StaleVersion {
  current_version: number;
  newest_label: LabelEvent | null;
}

export interface QueueSummary {
  id: number;
  name: string;
  filters: Record<string, string>;
  criterion: string | null;
  rubric?: string | null;
  criterion_kind?: 'binary' | 'ternary' | 'numeric' | null;
  rule: { rule: 'all' } | { rule: 'sample'; n: number; seed?: number } | { rule: 'score_range'; min: number; max: number } | { rule: 'disagreement'; between: 'people' | 'judge_human' | 'judges' };
  overlap: number;
  guidelines: string | null;
  created_by: string | null;
  created_at: string;
  items: number;
  complete: number;
  done_by_me: number;
}

/** POST /api/queues: the queue, and whether the selection was more than a queue may hold. */
export interface QueueCreated {
  queue: QueueSummary;
  capped: { max_items: number; message: string } | null;
}

export interface AnnotatorProgress {
  user_id: number;
  username: string;
  name: string;
  done: number;
  leased: number;
  last_label_at: string | null;
}

export interface QueueItem {
  queue_id: number;
  item_id: number;
  position: number;
  leased_until: string | null;
  judgment: JudgmentState;
  my_label: LabelEvent | null;
  trajectory: { id: string; query_id: string; query_text: string; reference_answer: string | null; final_answer: string | null; correct: boolean };
  steps: { index: number; model: string; text: string }[];
  steps_named: number;
  criteria: { id: string; text: string; weight: number; scale: Scale }[];
  guidelines: string | null;
}

export interface UserRow {
  id: number;
  username: string;
  name: string;
  role: Role;
  created_at: string;
  disabled_at: string | null;
  can_sign_in: boolean;
  labels: number;
}

export interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  username: string;
  role: Role;
  scope: KeyScope;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
