import 'server-only';
// GET /api/queries/{id}/pairs: the preference pairs of scoring.md among one query's trajectories,
// from their outcome, process score (newest labels folded in, under the view's judge) and cost.
import { getPool } from '@/lib/db/pool';
import { buildPreferencePairs, type PairCandidate } from '@/lib/domain';
import type { PairParams } from '@/lib/schemas/read';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { empty, queryRows, sql } from '@/lib/server/sql';
import { findQuery } from './query';
import { viewFigures, type TrajectoryFiguresIn } from './view-figures';

interface CandidateRow extends TrajectoryFiguresIn {
  id: string;
}

export async function queryPairs(queryId: string, params: PairParams, view: ViewSettings) {
  const db = getPool();
  await findQuery(db, queryId);
  const run = params.run === undefined ? empty : sql`AND run_id = ${params.run}`;
  const rows = await queryRows<CandidateRow>(
    db,
    sql`SELECT pk, id, correct, process_score, reward, cost_usd, all_largest_usd, rubric_id
          FROM trajectories WHERE query_id = ${queryId} ${run}`,
  );
  const figures = await viewFigures(db, rows, view);
  const candidates: PairCandidate[] = rows.map((r) => ({
    id: r.id,
    correct: r.correct,
    processScore: figures.get(r.pk)!.processScore,
    costUsd: r.cost_usd,
  }));
  const settings = { deltaP: params.delta_p, ratioC: params.ratio_c, cap: params.cap ?? null };
  return {
    query_id: queryId,
    run: params.run ?? null,
    judge: view.judge,
    delta_p: settings.deltaP,
    ratio_c: settings.ratioC,
    cap: settings.cap,
    trajectories: candidates.length,
    pairs: buildPreferencePairs(candidates, settings),
  };
}
