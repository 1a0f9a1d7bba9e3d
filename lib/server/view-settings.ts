import 'server-only';
// The view settings of a request (lib/schemas/view-settings.ts), checked against the database: a
// `judge` that names no stored judge is a 400 that lists the known ones. Every route that takes
// judge, lambda and mu, or delta_p, ratio_c and cap, parses them here.
import { NO_JUDGE_ID } from '@/lib/db/judge-figures';
import { UNNAMED_JUDGE, type PairSettings } from '@/lib/domain';
import { parsePairSettings, parseViewSettings, type ViewSettings } from '@/lib/schemas/view-settings';
import { ApiError } from './errors';
import { parseParams } from './params';
import { queryRows, raw, sql, type Sql } from './sql';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

/** Every judge that scored a stored judgment, by name (the unnamed judge as "judge"), from the rollups. */
export async function knownJudges(db: SqlExecutor = reads()): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT g.name FROM judges g
         WHERE g.id <> ${NO_JUDGE_ID} AND EXISTS (SELECT 1 FROM run_judge_stats s WHERE s.judge_id = g.id AND s.judgments > 0)`,
  );
  return rows.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How many judges a 400 lists by name; the rest are counted. */
const LISTED_JUDGES = 50;

export function unknownJudge(name: string, known: readonly string[]): ApiError {
  const listed = known.slice(0, LISTED_JUDGES).map((k) => JSON.stringify(k));
  const more = known.length > LISTED_JUDGES ? ` and ${known.length - LISTED_JUDGES} more` : '';
  const which = known.length === 0 ? 'no judge has scored anything yet' : `the known judges are ${listed.join(', ')}${more}`;
  return new ApiError('invalid_parameter', `parameter "judge": no judge is named ${JSON.stringify(name)}; ${which}`, {
    parameter: 'judge',
    known_judges: known,
  });
}

/** Checks that `judge` names a stored judge; throws unknownJudge otherwise. */
export async function checkJudge(judge: string | null, db: SqlExecutor = reads()): Promise<void> {
  if (judge === null) return;
  const known = await knownJudges(db);
  if (!known.includes(judge)) throw unknownJudge(judge, known);
}

/** judge, lambda and mu of a request: a 400 names a bad parameter, or lists the judges when none matches. */
export async function resolveViewSettings(params: URLSearchParams, db: SqlExecutor = reads()): Promise<ViewSettings> {
  const view = parseParams(parseViewSettings, params);
  await checkJudge(view.judge, db);
  return view;
}

/** delta_p, ratio_c and cap of a request; a 400 names a bad one. */
export function resolvePairSettings(params: URLSearchParams): PairSettings {
  return parseParams(parsePairSettings, params);
}

/**
 * The judge setting in SQL, over judgments aliased `alias`: true for the judgments that enter a view
 * of `judge` (the judge's own, and the ones people added, which have no judge score); with no judge,
 * every judgment. The SQL form of lib/domain's judgmentsOfJudge.
 */
export function judgmentInView(judge: string | null, alias = 'j'): Sql {
  if (judge === null) return sql`true`;
  const a = raw(alias);
  return sql`(${a}.judge_score IS NULL OR coalesce(${a}.judge, ${UNNAMED_JUDGE}) = ${judge})`;
}

/**
 * lib/domain's combinedReward in SQL, over a trajectory aliased `alias` and a process score
 * expression: outcome + lambda * process - mu * cost_ratio, an undefined process score or cost ratio
 * counting 0. The same operations in the same order on float8, so it equals lib/domain bit for bit
 * (tests/view-settings-sql.test.ts).
 */
export function combinedRewardSql(view: { lambda: number; mu: number }, process: Sql, alias = 't'): Sql {
  const a = raw(alias);
  return sql`((CASE WHEN ${a}.correct THEN 1 ELSE 0 END)::float8 + ${view.lambda}::float8 * coalesce(${process}, 0::float8)
              - ${view.mu}::float8 * coalesce(${a}.cost_usd / nullif(${a}.all_largest_usd, 0::float8), 0::float8))`;
}
