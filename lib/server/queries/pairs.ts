import 'server-only';
// GET /api/queries/{id}/pairs: the preference pairs of scoring.md among one query's trajectories,
// from their stored outcome, process score (newest labels folded in) and cost.
import { getPool } from '@/lib/db/pool';
import { buildPreferencePairs, type PairCandidate } from '@/lib/domain';
import type { PairParams } from '@/lib/schemas/read';
import { empty, queryRows, sql } from '@/lib/server/sql';
import { findQuery } from './query';

interface CandidateRow {
  id: string;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
}

export async function queryPairs(queryId: string, params: PairParams) {
  const db = getPool();
  await findQuery(db, queryId);
  const run = params.run === undefined ? empty : sql`AND run_id = ${params.run}`;
  const rows = await queryRows<CandidateRow>(
    db,
    sql`SELECT id, correct, process_score, cost_usd FROM trajectories WHERE query_id = ${queryId} ${run}`,
  );
  const candidates: PairCandidate[] = rows.map((r) => ({ id: r.id, correct: r.correct, processScore: r.process_score, costUsd: r.cost_usd }));
  const settings = { deltaP: params.delta_p, ratioC: params.ratio_c, cap: params.cap ?? null };
  return {
    query_id: queryId,
    run: params.run ?? null,
    delta_p: settings.deltaP,
    ratio_c: settings.ratioC,
    cap: settings.cap,
    trajectories: candidates.length,
    pairs: buildPreferencePairs(candidates, settings),
  };
}
