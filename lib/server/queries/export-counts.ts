import 'server-only';
// GET /api/exports/counts: how many rows each export kind would write for the filters and settings,
// and, where a kind would be empty, why — shown on the Exports page before anything is downloaded.
// Counted from the trajectories' stored columns (no step texts read); preference pairs are built by
// lib/domain from each pairing unit's outcomes, process scores and costs, as the export builds them.
import { buildPreferencePairs, maxPairs, type PairCandidate } from '@/lib/domain';
import type { ExportKind, ExportSettings } from '@/lib/schemas/exports';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { settings as appSettings } from '@/lib/server/settings';
import { queryRows, sql } from '@/lib/server/sql';
import { checkJudge } from '@/lib/server/view-settings';
import { checkFilterRun } from './filter-values';
import { pairUnit, tooManyPairs } from './pairs';
import { trajectoryWhere } from './trajectory-filter';
import type { SqlExecutor } from '@/lib/db/prisma';

export interface KindCount {
  /** Rows the export would write; null where counting them would mean building it (too many pairs). */
  rows: number | null;
  /** false: `rows` is an upper bound (stepwise with unscored=skip leaves out trajectories with an unscored step). */
  exact: boolean;
  /** Why the kind writes no rows (or cannot be counted), in words; null when it writes some. */
  empty_reason: string | null;
}

export interface ExportCounts {
  trajectories: number;
  steps: number;
  kinds: Record<ExportKind, KindCount>;
}

interface PairRow {
  unit: string | null;
  id: string;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
}

const count = (rows: number, reason: string, exact = true): KindCount => ({ rows, exact, empty_reason: rows === 0 ? reason : null });

async function preferenceCount(db: SqlExecutor, filter: TrajectoryFilter, s: ExportSettings, noneSelected: string): Promise<KindCount> {
  const scope = s.scope ?? 'query';
  const unit = pairUnit(scope);
  const where = scope === 'group' ? trajectoryWhere(filter, [sql`t.training_group IS NOT NULL`]) : trajectoryWhere(filter);
  const sizes = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM trajectories t ${where} GROUP BY ${unit} HAVING ${unit} IS NOT NULL AND count(*) > 1`,
  );
  const unitName = scope === 'group' ? 'training group' : 'query';
  if (sizes.length === 0) {
    const selected = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM trajectories t ${where}`);
    if (selected[0]!.n === 0) return count(0, scope === 'group' ? 'no pairs: none of these trajectories is a rollout of a training group' : noneSelected);
    return count(0, `no pairs: every ${unitName} has one trajectory among these (a pair needs two trajectories of one ${unitName})`);
  }
  const bound = maxPairs(
    sizes.map((r) => r.n),
    s.cap,
  );
  if (bound > appSettings.pairsMax) return { rows: null, exact: false, empty_reason: tooManyPairs(bound, scope, s.cap).message };
  // The process score under the judge setting is the stored per-(trajectory, judge) figure.
  const process =
    s.judge === null
      ? sql`t.process_score`
      : sql`(SELECT tj.process_score FROM trajectory_judges tj WHERE tj.trajectory_pk = t.pk AND tj.judge_id = (SELECT g.id FROM judges g WHERE g.name = ${s.judge}))`;
  const rows = await queryRows<PairRow>(
    db,
    sql`SELECT ${unit} AS unit, t.id, t.correct, ${process} AS process_score, t.cost_usd FROM trajectories t ${where} ORDER BY ${unit}, t.pk`,
  );
  let pairs = 0;
  let group: PairCandidate[] = [];
  let current: string | null = null;
  const flush = () => {
    if (group.length > 1) pairs += buildPreferencePairs(group, { deltaP: s.deltaP, ratioC: s.ratioC, cap: s.cap }).length;
    group = [];
  };
  for (const r of rows) {
    if (r.unit === null) continue;
    if (r.unit !== current) {
      flush();
      current = r.unit;
    }
    group.push({ id: r.id, correct: r.correct, processScore: r.process_score, costUsd: r.cost_usd });
  }
  flush();
  return count(
    pairs,
    `no pairs: within each ${unitName}, no two trajectories differ in outcome, in process score by delta_p = ${s.deltaP} or more, or in cost by ratio_c = ${s.ratioC} or more`,
  );
}

export async function exportCounts(db: SqlExecutor, filter: TrajectoryFilter, s: ExportSettings): Promise<ExportCounts> {
  await checkJudge(s.judge, db);
  await checkFilterRun(filter, db);
  const where = trajectoryWhere(filter);
  const [totals] = await queryRows<{ n: number; steps: number }>(
    db,
    sql`SELECT count(*)::int AS n, coalesce(sum(t.step_count), 0)::float8 AS steps FROM trajectories t ${where}`,
  );
  const n = totals!.n;
  const none = 'no trajectory matches these filters';
  const stepsEmpty = n === 0 ? none : 'these trajectories have no steps';
  const labels =
    n === 0
      ? 0
      : (
          await queryRows<{ n: number }>(
            db,
            sql`SELECT count(*)::int AS n FROM trajectories t JOIN items i ON i.trajectory_pk = t.pk JOIN labels l ON l.item_id = i.id ${where}`,
          )
        )[0]!.n;
  const preferences = n === 0 && (s.scope ?? 'query') === 'query' ? count(0, none) : await preferenceCount(db, filter, s, none);
  return {
    trajectories: n,
    steps: totals!.steps,
    kinds: {
      traces: count(n, none),
      steps: count(totals!.steps, stepsEmpty),
      stepwise: count(n, none, s.unscored !== 'skip' || n === 0),
      preferences,
      labels: count(labels, n === 0 ? none : 'no human labels on these trajectories yet (label them on the Annotate page or in the replay)'),
    },
  };
}
