import 'server-only';
// The process score and reward of a few trajectories under a view's settings (judge, lambda, mu),
// computed by lib/domain from their judgments, for the routes that show a handful of trajectories
// (a query's, two compared ones, a page of the list). Without a judge the stored process score
// stands; the reward is the stored one at the default weights and lib/domain's otherwise.
import { combinedReward, viewScores } from '@/lib/domain';
import { isDefaultReward, type ViewSettings } from '@/lib/schemas/view-settings';
import { queryRows, sql } from '@/lib/server/sql';
import { judgmentInView } from '@/lib/server/view-settings';
import { criterionDefs, type CriterionRecord } from '@/lib/db/items';
import type { SqlExecutor } from '@/lib/db/prisma';

export interface TrajectoryFiguresIn {
  pk: number;
  correct: boolean;
  cost_usd: number;
  all_largest_usd: number;
  rubric_id: string | null;
  /** The stored (all-judges, default-weights) figures. */
  process_score: number | null;
  reward: number;
}

export interface ViewFigures {
  processScore: number | null;
  reward: number;
}

interface JudgmentRow {
  trajectory_pk: number;
  criterion_id: string;
  steps: number[];
  judge_score: number | null;
  judge: string | null;
  human_score: number | null;
}

/** The judgments of `pks` that enter a view of `judge`: the judge's own and the ones people added. */
async function judgmentsOf(db: SqlExecutor, pks: number[], judge: string): Promise<JudgmentRow[]> {
  return queryRows<JudgmentRow>(
    db,
    sql`SELECT j.trajectory_pk, j.criterion_id, j.steps, j.judge_score, j.judge,
               (SELECT nl.score FROM newest_label(j.item_id) nl) AS human_score
          FROM judgments j
         WHERE j.trajectory_pk = ANY(${pks}::int[])
           AND ${judgmentInView(judge)}
         ORDER BY j.trajectory_pk, j.position`,
  );
}

async function criteriaOf(db: SqlExecutor, rubricIds: string[]): Promise<Map<string, CriterionRecord[]>> {
  const rows = await queryRows<CriterionRecord & { rubric_id: string }>(
    db,
    sql`SELECT rubric_id, id, text, weight, kind, scale_min, scale_max FROM criteria
         WHERE rubric_id = ANY(${rubricIds}::text[]) ORDER BY rubric_id, position`,
  );
  const byRubric = new Map<string, CriterionRecord[]>();
  for (const r of rows) {
    const list = byRubric.get(r.rubric_id) ?? [];
    list.push(r);
    byRubric.set(r.rubric_id, list);
  }
  return byRubric;
}

/** Each trajectory's process score and reward under the view, by pk. */
export async function viewFigures(db: SqlExecutor, trajectories: readonly TrajectoryFiguresIn[], view: ViewSettings): Promise<Map<number, ViewFigures>> {
  const out = new Map<number, ViewFigures>();
  if (view.judge === null) {
    const stored = isDefaultReward(view);
    for (const t of trajectories) {
      const reward = stored
        ? t.reward
        : combinedReward({ correct: t.correct, processScore: t.process_score, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd }, view);
      out.set(t.pk, { processScore: t.process_score, reward });
    }
    return out;
  }
  if (trajectories.length === 0) return out;
  const rubricIds = [...new Set(trajectories.map((t) => t.rubric_id).filter((r): r is string => r !== null))];
  const [judgments, criteria] = await Promise.all([
    judgmentsOf(
      db,
      trajectories.map((t) => t.pk),
      view.judge,
    ),
    criteriaOf(db, rubricIds),
  ]);
  const byPk = new Map<number, JudgmentRow[]>();
  for (const j of judgments) {
    const list = byPk.get(j.trajectory_pk) ?? [];
    list.push(j);
    byPk.set(j.trajectory_pk, list);
  }
  for (const t of trajectories) {
    const f = viewScores(
      {
        correct: t.correct,
        costUsd: t.cost_usd,
        allLargestUsd: t.all_largest_usd,
        criteria: criterionDefs(t.rubric_id === null ? [] : (criteria.get(t.rubric_id) ?? [])),
        judgments: (byPk.get(t.pk) ?? []).map((j) => ({
          criterion: j.criterion_id,
          steps: j.steps,
          judgeScore: j.judge_score,
          humanScore: j.human_score,
          judge: j.judge,
        })),
      },
      view,
    );
    out.set(t.pk, { processScore: f.processScore, reward: f.reward });
  }
  return out;
}
