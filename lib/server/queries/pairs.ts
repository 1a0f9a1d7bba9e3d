import 'server-only';
// GET /api/queries/{id}/pairs: the preference pairs of scoring.md among one query's trajectories,
// from their outcome, process score (newest labels folded in, under the view's judge) and cost. With
// scope=group only two rollouts of one training group form a pair (GRPO's own comparison), and `cap`
// is per group. A request that could build more pairs than the limit (ROUTELENS_PAIRS_MAX) is refused
// up front.
import { buildPreferencePairs, comparePairs, maxPairs, type PairCandidate, type PreferencePair } from '@/lib/domain';
import type { PairScope } from '@/lib/schemas/exports';
import type { PairParams } from '@/lib/schemas/read';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { ApiError } from '@/lib/server/errors';
import { settings as appSettings } from '@/lib/server/settings';
import { empty, queryRows, sql, type Sql } from '@/lib/server/sql';
import { findQuery } from './query';
import { viewFigures, type TrajectoryFiguresIn } from './view-figures';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

interface CandidateRow extends TrajectoryFiguresIn {
  id: string;
  run_id: string;
  training_group: string | null;
}

/** The 400 of a request whose pairs could exceed the limit, naming what narrows it. */
export function tooManyPairs(bound: number, scope: PairScope, cap: number | null): ApiError {
  const limit = appSettings.pairsMax;
  const fmt = (n: number) => n.toLocaleString('en-US');
  return new ApiError(
    'invalid_parameter',
    `these trajectories could form up to ${fmt(bound)} preference pairs (scope=${scope}${cap === null ? '' : `, cap=${cap}`}), ` +
      `above the limit of ${fmt(limit)} (ROUTELENS_PAIRS_MAX): pair only within training groups (scope=group), ` +
      `keep fewer pairs per ${scope === 'group' ? 'group' : 'query'} (cap=N) or narrow the filters`,
    { parameters: ['scope', 'cap'], pairs: bound, limit },
  );
}

/** Refuses (400) where the pairs could exceed the limit. */
export function checkPairBound(sizes: Iterable<number>, scope: PairScope, cap: number | null): void {
  const bound = maxPairs(sizes, cap);
  if (bound > appSettings.pairsMax) throw tooManyPairs(bound, scope, cap);
}

/** The key of a trajectory's pairing unit under a scope, as SQL over trajectories t (null: pairs with none). */
export function pairUnit(scope: PairScope): Sql {
  return scope === 'group' ? sql`CASE WHEN t.training_group IS NULL THEN NULL ELSE t.run_id || chr(1) || t.training_group END` : sql`t.query_id`;
}

/** The same check over the trajectories that `where` selects, counted per unit in SQL (exports). */
export async function checkPairBoundSql(db: SqlExecutor, where: Sql, scope: PairScope, cap: number | null): Promise<void> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM trajectories t ${where} GROUP BY ${pairUnit(scope)} HAVING ${pairUnit(scope)} IS NOT NULL AND count(*) > 1`,
  );
  checkPairBound(
    rows.map((r) => r.n),
    scope,
    cap,
  );
}

const unitOf = (scope: PairScope, r: CandidateRow): string | null =>
  scope === 'group' ? (r.training_group === null ? null : `${r.run_id}\u0001${r.training_group}`) : '';

export async function queryPairs(queryId: string, params: PairParams, view: ViewSettings) {
  const db = reads();
  await findQuery(db, queryId);
  const run = params.run === undefined ? empty : sql`AND run_id = ${params.run}`;
  const rows = await queryRows<CandidateRow>(
    db,
    sql`SELECT pk, id, correct, process_score, reward, cost_usd, all_largest_usd, rubric_id, run_id, training_group
          FROM trajectories WHERE query_id = ${queryId} ${run}`,
  );
  const settings = { deltaP: params.delta_p, ratioC: params.ratio_c, cap: params.cap ?? null };
  const units = new Map<string, CandidateRow[]>();
  for (const r of rows) {
    const u = unitOf(params.scope, r);
    if (u === null) continue;
    const list = units.get(u) ?? [];
    list.push(r);
    units.set(u, list);
  }
  checkPairBound(
    [...units.values()].map((u) => u.length),
    params.scope,
    settings.cap,
  );
  const figures = await viewFigures(db, rows, view);
  const pairs: (PreferencePair & { group?: string })[] = [];
  for (const unit of units.values()) {
    const candidates: PairCandidate[] = unit.map((r) => ({ id: r.id, correct: r.correct, processScore: figures.get(r.pk)!.processScore, costUsd: r.cost_usd }));
    const built = buildPreferencePairs(candidates, settings);
    if (params.scope === 'group') for (const p of built) pairs.push({ ...p, group: unit[0]!.training_group! });
    else pairs.push(...built);
  }
  if (params.scope === 'group') pairs.sort(comparePairs);
  return {
    query_id: queryId,
    run: params.run ?? null,
    judge: view.judge,
    scope: params.scope,
    delta_p: settings.deltaP,
    ratio_c: settings.ratioC,
    cap: settings.cap,
    trajectories: rows.length,
    pairs,
  };
}
