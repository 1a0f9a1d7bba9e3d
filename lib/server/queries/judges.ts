import 'server-only';
// GET /api/judges: every judge that scored a stored judgment, with how many judgments and trajectories
// it scored and in which runs (from run_judge_stats), optionally within one run.
import { NO_JUDGE_ID } from '@/lib/db/judge-figures';
import { empty, queryRows, sql } from '@/lib/server/sql';
import { reads } from '@/lib/server/reads';

export interface JudgeSummary {
  judge: string;
  judgments: number;
  trajectories: number;
  runs: string[];
}

export async function listJudges(run?: string): Promise<JudgeSummary[]> {
  const inRun = run === undefined ? empty : sql`AND s.run_id = ${run}`;
  return queryRows<JudgeSummary>(
    reads(),
    sql`SELECT g.name AS judge, sum(s.judgments)::int AS judgments, sum(s.trajectories)::int AS trajectories,
               array_agg(s.run_id ORDER BY s.run_id COLLATE "C") AS runs
          FROM run_judge_stats s JOIN judges g ON g.id = s.judge_id
         WHERE s.judge_id <> ${NO_JUDGE_ID} AND s.judgments > 0 ${inRun}
         GROUP BY g.name
         ORDER BY g.name COLLATE "C"`,
  );
}
