import 'server-only';
// GET /api/trajectories: one page of the filtered list in keyset order over (sort column, pk), and
// the exact size of the filtered set. A page reads a few rows of an index in sort order, so it costs
// the same at the start of the list and a million rows in. Where a filter's rows cluster far into the
// sort order (runs differ in models and cost; reward contains the outcome), a scan in sort order would
// step over most of the table to find them: such filters have an index that leads with them
// (schema.prisma), or are read run by run (model), or through a bounded window (cost band).
import type { ListParams, SortField, TrajectoryFilter } from '@/lib/schemas/filters';
import { ApiError } from '@/lib/server/errors';
import { MAX_INT4, SORT_VALUE_FORMS } from './cursor-values';
import { empty, join, queryRows, raw, sql, type Sql } from '@/lib/server/sql';
import { DEFAULT_VIEW, isDefaultReward, type ViewSettings } from '@/lib/schemas/view-settings';
import { combinedRewardSql } from '@/lib/server/view-settings';
import { trajectoryConditions } from './trajectory-filter';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

/** How long a query text may be in a list item; the query page shows it whole. */
export const QUERY_TEXT_EXCERPT = 240;

export interface SortColumn {
  column: string;
  /** The SQL type that the cursor's text form is cast back to. */
  type: string;
  nullable: boolean;
}

export const SORT_COLUMNS: Readonly<Record<SortField, SortColumn>> = {
  id: { column: 'id', type: 'text', nullable: false },
  cost: { column: 'cost_usd', type: 'float8', nullable: false },
  process_score: { column: 'process_score', type: 'float8', nullable: true },
  reward: { column: 'reward', type: 'float8', nullable: false },
  steps: { column: 'step_count', type: 'int4', nullable: false },
  ingested_at: { column: 'ingested_at', type: 'timestamptz(3)', nullable: false },
};

/** Where the previous page ended: the sort column's value as text (null in the nulls) and the pk. */
interface Cursor {
  sort: SortField;
  order: 'asc' | 'desc';
  value: string | null;
  pk: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.pk])).toString('base64url');
}

const badCursor = (why: string) => new ApiError('invalid_parameter', `parameter "cursor": ${why}`);

export function decodeCursor(text: string, sort: SortField, order: 'asc' | 'desc'): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('is not a cursor of this list');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !(typeof parsed[2] === 'string' || parsed[2] === null) ||
    !Number.isSafeInteger(parsed[3])
  ) {
    throw badCursor('is not a cursor of this list');
  }
  const [s, o, value, pk] = parsed as [string, string, string | null, number];
  if (s !== sort || o !== order) throw badCursor(`was made for sort=${s}&order=${o}, not sort=${sort}&order=${order}`);
  const col = SORT_COLUMNS[sort];
  const valid = value === null ? col.nullable : SORT_VALUE_FORMS[col.type]!(value);
  if (!valid || pk < 1 || pk > MAX_INT4) throw badCursor('is not a cursor of this list');
  return { sort, order, value, pk };
}

/** judges.id of a judge's name (resolveViewSettings checked that it exists). */
async function judgeIdOf(name: string | null): Promise<number | null> {
  if (name === null) return null;
  const [row] = await queryRows<{ id: number }>(reads(), sql`SELECT id FROM judges WHERE name = ${name}`);
  if (!row) throw new ApiError('invalid_parameter', `parameter "judge": no judge is named ${JSON.stringify(name)}`);
  return row.id;
}

export interface TrajectoryListItem {
  id: string;
  run_id: string;
  query_id: string;
  benchmark: string | null;
  correct: boolean;
  steps: number;
  cost_usd: number;
  process_score: number | null;
  reward: number;
  savings: number | null;
  labelled: boolean;
  ingested_at: string;
  query_text: string;
  /** The share of the trajectory's steps on each model (the list's "did it use the large model?"). */
  step_share_by_model: Record<string, number>;
  /** training.step and the rollout's group; null for a trajectory without "training". */
  training_step: number | null;
  group: string | null;
}

export interface TrajectoryListPage {
  items: TrajectoryListItem[];
  next_cursor: string | null;
  total: number;
  /** The view settings the figures are under. */
  judge: string | null;
  lambda: number;
  mu: number;
}

export interface ItemRow extends Omit<TrajectoryListItem, 'ingested_at' | 'steps' | 'group'> {
  pk: number;
  training_group: string | null;
  step_count: number;
  ingested_at: Date;
  sort_key: string | null;
}

/**
 * The list's process score and reward under the view: the stored columns at the stored settings (the
 * fast path: each has its keyset indexes), expressions of them otherwise (sorted by a scan).
 */
interface ListFigures {
  process: Sql;
  reward: Sql;
  /** The reward is a stored column. */
  storedReward: boolean;
  /** The rows: `trajectories t`, joined with the judge's figures `tj` under a judge. */
  from: Sql;
  /** With a judge, process score and reward are tj's columns, ordered by tj's (judge, column, pk) indexes. */
  judged: boolean;
}

/**
 * With a judge, the stored figures are trajectory_judges' (lib/db/judge-figures.ts), one row per
 * trajectory and judge, so the judge's list reads and sorts stored columns as the list without one.
 */
function listFigures(view: ViewSettings, judgeId: number | null): ListFigures {
  const judged = judgeId !== null;
  const process = judged ? sql`tj.process_score` : sql`t.process_score`;
  const from = judged ? sql`trajectories t JOIN trajectory_judges tj ON tj.trajectory_pk = t.pk AND tj.judge_id = ${judgeId}` : sql`trajectories t`;
  if (isDefaultReward(view)) return { process, reward: judged ? sql`tj.reward` : sql`t.reward`, storedReward: true, from, judged };
  return { process, reward: combinedRewardSql(view, process), storedReward: false, from, judged };
}

const STORED_FIGURES = listFigures(DEFAULT_VIEW, null);

/** Whether the page is in the order of one of tj's columns. */
const sortsByJudge = (sort: SortField, f: ListFigures) => f.judged && (sort === 'process_score' || sort === 'reward');

function itemColumns(f: ListFigures): Sql {
  return sql`t.pk, t.id, t.run_id, t.query_id, t.benchmark, t.correct, t.step_count, t.cost_usd, ${f.process} AS process_score,
             ${f.reward} AS reward, t.savings, t.labelled, t.ingested_at, t.training_step, t.training_group`;
}

/** The sort column of `t`, or its expression under the view. */
function sortExpression(sort: SortField, f: ListFigures): Sql {
  if (sort === 'reward') return f.reward;
  if (sort === 'process_score') return f.process;
  return raw(`t.${SORT_COLUMNS[sort].column}`);
}

interface PageOrder {
  sort: SortField;
  order: 'asc' | 'desc';
  cursor: Cursor | null;
  limit: number;
  figures: ListFigures;
  /**
   * Order by an expression of the sort column that no index provides, so that PostgreSQL finds the
   * filter's rows through the filter's own index and sorts them, instead of scanning in sort order.
   */
  filterFirst?: boolean;
}

/** The sort column as an expression that sorts the same but matches no index (see filterFirst). */
const UNINDEXED: Record<string, (c: Sql) => Sql> = {
  text: (c) => sql`(${c} || '')`,
  float8: (c) => sql`(${c} + 0)`,
  int4: (c) => sql`(${c} + 0)`,
  'timestamptz(3)': (c) => sql`(${c} + interval '0 s')`,
};

/** ORDER BY over a derived table's columns: the sort column (nulls last), then pk. */
function orderOf(o: PageOrder, alias: string): Sql {
  const dir = raw(o.order === 'asc' ? 'ASC' : 'DESC');
  if (o.sort === 'id') return sql`${raw(alias)}.id ${dir}`;
  return sql`${raw(`${alias}.${SORT_COLUMNS[o.sort].column}`)} ${dir} NULLS LAST, ${raw(alias)}.pk ${dir}`;
}

/**
 * One ordered, limited scan of trajectories t. With `pksFirst`, the scan picks the page's pks alone
 * (which an index holding the filter and sort columns answers without visiting the table) and then
 * reads those rows; the caller orders them.
 */
function scan(where: Sql[], orderBy: Sql, sortKey: Sql, limit: number, f: ListFigures, pksFirst = false): Sql {
  const cond = where.length ? sql`WHERE ${join(where, ' AND ')}` : empty;
  if (pksFirst) {
    return sql`(SELECT ${itemColumns(f)}, ${sortKey} AS sort_key FROM ${f.from}
                 WHERE t.pk IN (SELECT t.pk FROM ${f.from} ${cond} ORDER BY ${orderBy} LIMIT ${limit}))`;
  }
  return sql`(SELECT ${itemColumns(f)}, ${sortKey} AS sort_key FROM ${f.from} ${cond} ORDER BY ${orderBy} LIMIT ${limit})`;
}

/**
 * The first `limit` rows after the cursor that pass `conds`, in page order. The keyset condition
 * `(column, pk) > (value, pk)` and the ORDER BY match an index, read forwards for asc and backwards
 * for desc. Nulls come last in both orders: a nullable column is read in two scans (its values, then
 * its nulls by pk) chained by UNION ALL under one LIMIT, so that both directions use the one
 * ascending index and the null scan only runs when the values run out.
 */
function orderedRows(conds: Sql[], o: PageOrder): Sql {
  const col = SORT_COLUMNS[o.sort];
  const c = sortExpression(o.sort, o.figures);
  const key = o.filterFirst ? UNINDEXED[col.type]!(c) : c;
  const rowPk = sortsByJudge(o.sort, o.figures) ? sql`tj.trajectory_pk` : sql`t.pk`;
  const pk = o.filterFirst ? sql`(${rowPk} + 0)` : rowPk;
  const dir = raw(o.order === 'asc' ? 'ASC' : 'DESC');
  const cmp = raw(o.order === 'asc' ? '>' : '<');
  const { cursor } = o;
  const parts: Sql[] = [];
  if (cursor === null || cursor.value !== null) {
    const after: Sql[] = [];
    if (col.nullable) after.push(sql`${c} IS NOT NULL`);
    if (cursor) {
      after.push(o.sort === 'id' ? sql`${c} ${cmp} ${cursor.value}` : sql`(${c}, ${rowPk}) ${cmp} (${cursor.value}::${raw(col.type)}, ${cursor.pk})`);
    }
    const orderBy = o.sort === 'id' ? sql`${key} ${dir}` : sql`${key} ${dir}, ${pk} ${dir}`;
    parts.push(scan([...conds, ...after], orderBy, sql`${c}::text`, o.limit, o.figures, o.filterFirst));
  }
  if (col.nullable) {
    const after = [sql`${c} IS NULL`];
    if (cursor && cursor.value === null) after.push(sql`${rowPk} ${cmp} ${cursor.pk}`);
    parts.push(scan([...conds, ...after], sql`${pk} ${dir}`, sql`NULL::text`, o.limit, o.figures, o.filterFirst));
  }
  return parts.length === 1 ? parts[0]! : sql`${join(parts, ' UNION ALL ')} LIMIT ${o.limit}`;
}

/** The page's rows with their query's text, in page order. */
function withQueryText(rows: Sql, o: PageOrder): Sql {
  return sql`SELECT p.*, left(q.text, ${QUERY_TEXT_EXCERPT}) AS query_text
               FROM (${rows}) p JOIN queries q ON q.id = p.query_id
              ORDER BY ${orderOf(o, 'p')}`;
}

/**
 * Runs differ in their routers' models, so a model's trajectories sit in a few runs, and ids (and
 * ingest order) group trajectories by run: one scan in sort order would step over whole runs that
 * have none. Reading each run that used the model in sort order on its own (run_id, column, pk)
 * index and merging the runs' first rows costs the same however the model's trajectories are spread.
 */
export const MAX_MERGED_RUNS = 64;

async function runsUsingModel(db: SqlExecutor, model: string): Promise<string[] | null> {
  const rows = await queryRows<{ run_id: string }>(
    db,
    sql`SELECT run_id FROM run_model_stats WHERE model = ${model} AND steps > 0 ORDER BY run_id LIMIT ${MAX_MERGED_RUNS + 1}`,
  );
  return rows.length > MAX_MERGED_RUNS ? null : rows.map((r) => r.run_id);
}

function mergedRuns(conds: Sql[], o: PageOrder, runs: string[]): Sql {
  if (runs.length === 0) return sql`SELECT ${itemColumns(o.figures)}, NULL::text AS sort_key FROM ${o.figures.from} WHERE false`;
  const perRun = runs.map((r) => sql`SELECT * FROM (${orderedRows([...conds, sql`t.run_id = ${r}`], o)}) r`);
  return sql`SELECT * FROM (${join(perRun, ' UNION ALL ')}) u ORDER BY ${orderOf(o, 'u')} LIMIT ${o.limit}`;
}

/**
 * How many rows in sort order a page reads before it gives up on the sort order and fetches the
 * filter's rows through the filter's index instead (see windowedRows).
 */
export const SORT_ORDER_WINDOW = 1_000;

/**
 * A cost bound selects a band of cost, and cost goes with the run, the models, the number of steps
 * and the reward, so the band's rows may all lie far into the sort order. The page first reads a
 * bounded window of rows in sort order and keeps those in the band; when the window holds too few,
 * it reads the band through the cost index and sorts it (its cost then grows with the band, not with
 * the distance to it).
 */
function windowedRows(conds: Sql[], o: PageOrder, size: number): Sql {
  const window = orderedRows([], { ...o, limit: size });
  return sql`WITH w AS MATERIALIZED (SELECT * FROM (${window}) r)
             SELECT t.*, (SELECT count(*) FROM w)::int AS examined
               FROM w t WHERE ${join(conds, ' AND ')}
              ORDER BY ${orderOf(o, 't')} LIMIT ${o.limit}`;
}

type RowReader = (q: Sql) => Promise<ItemRow[]>;

/** Up to this many rollouts in the steps or group of a filter, the page sorts them (see readPage). */
export const TRAINING_FILTER_FIRST = 50_000;

/** The training groups that a step or group filter selects, as conditions on training_groups g. */
function groupConditions(f: TrajectoryFilter): Sql[] {
  const c: Sql[] = [];
  if (f.run !== undefined) c.push(sql`g.run_id = ${f.run}`);
  if (f.step !== undefined) c.push(sql`g.step BETWEEN ${f.step.from} AND ${f.step.to}`);
  if (f.group !== undefined) c.push(sql`g.name = ${f.group}`);
  return c;
}

async function trainingRolloutsAtMost(f: TrajectoryFilter, limit: number): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(
    reads(),
    sql`SELECT coalesce(sum(rollouts), 0)::int AS n FROM (SELECT g.rollouts FROM training_groups g WHERE ${join(groupConditions(f), ' AND ')} LIMIT ${limit + 1}) x`,
  );
  return (row?.n ?? 0) <= limit;
}

/**
 * The page's rows (limit + 1, so that the caller knows whether another page follows). `read` runs a
 * query (the bench passes one that also explains it); `window` is the cost band's window size.
 */
export async function readPage(
  filter: TrajectoryFilter,
  params: ListParams,
  read: RowReader,
  opts: { window?: number; view?: ViewSettings } = {},
): Promise<ItemRow[]> {
  const window = opts.window ?? SORT_ORDER_WINDOW;
  const cursor = params.cursor === undefined ? null : decodeCursor(params.cursor, params.sort, params.order);
  const view = opts.view ?? DEFAULT_VIEW;
  const figures = view.judge === null && isDefaultReward(view) ? STORED_FIGURES : listFigures(view, await judgeIdOf(view.judge));
  const o: PageOrder = { sort: params.sort, order: params.order, cursor, limit: params.limit + 1, figures };
  const conds = trajectoryConditions(filter);
  // A reward at other weights than the stored ones has no index: PostgreSQL reads the filter's rows
  // (through the filter's indexes) and sorts them.
  if (params.sort === 'reward' && !figures.storedReward) return read(withQueryText(orderedRows(conds, { ...o, filterFirst: true }), o));
  const acrossRuns = filter.run === undefined && filter.query === undefined;
  if (acrossRuns && filter.model !== undefined) {
    const runs = await runsUsingModel(reads(), filter.model);
    if (runs !== null) return read(withQueryText(mergedRuns(conds, o, runs), o));
  }
  // A training step or group selects a few thousand rollouts that lie anywhere in sort order: read
  // them through their own index and sort them, unless the steps asked for hold many.
  if ((filter.step !== undefined || filter.group !== undefined) && (await trainingRolloutsAtMost(filter, TRAINING_FILTER_FIRST))) {
    return read(withQueryText(orderedRows(conds, { ...o, filterFirst: true }), o));
  }
  const costBand = filter.min_cost !== undefined || filter.max_cost !== undefined;
  // In a judge's order every filter is checked on the trajectory joined to each tj row: a filter whose
  // rows lie far into that order is read as a cost band is.
  const judgeOrder = sortsByJudge(params.sort, figures) && conds.length > 0 && filter.model === undefined;
  if ((acrossRuns && costBand && filter.model === undefined && params.sort !== 'cost') || judgeOrder) {
    const rows = (await read(withQueryText(windowedRows(conds, o, window), o))) as (ItemRow & { examined: number })[];
    const examined = rows[0]?.examined ?? window;
    if (rows.length === o.limit || examined < window) return rows;
    return read(withQueryText(orderedRows(conds, { ...o, filterFirst: true }), o));
  }
  return read(withQueryText(orderedRows(conds, o), o));
}

const given = (f: TrajectoryFilter) =>
  Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
const onlyFilters = (f: TrajectoryFilter, allowed: readonly string[]) => given(f).every((k) => allowed.includes(k));

/** The count from the per-run rollups, for the filters that they answer (run, correct, model). */
function rollupCount(f: TrajectoryFilter): Sql | null {
  const run = f.run === undefined ? empty : sql`AND run_id = ${f.run}`;
  if (onlyFilters(f, ['run', 'correct'])) {
    const n = f.correct === undefined ? raw('trajectories') : f.correct ? raw('correct') : raw('trajectories - correct');
    return sql`SELECT coalesce(sum(${n}), 0)::int AS n FROM run_stats WHERE true ${run}`;
  }
  if ((f.step !== undefined || f.group !== undefined) && onlyFilters(f, ['run', 'step', 'group', 'correct'])) {
    const n = f.correct === undefined ? raw('g.rollouts') : f.correct ? raw('g.correct') : raw('g.rollouts - g.correct');
    return sql`SELECT coalesce(sum(${n}), 0)::int AS n FROM training_groups g WHERE ${join(groupConditions(f), ' AND ')}`;
  }
  if (onlyFilters(f, ['run', 'model'])) {
    return sql`SELECT coalesce(sum(trajectories), 0)::int AS n FROM run_model_stats WHERE model = ${f.model} ${run}`;
  }
  return null;
}

/**
 * A cost band with at most run and correct besides: counted directly when the column statistics say
 * it is at most half the table, otherwise as the rollups' count less the trajectories outside it (two
 * index ranges below and above it), so that a wide band counts the narrow rest instead. Exact either
 * way (cost_usd is never null, and float8 order is total, NaN above all): the statistics only choose
 * which side is counted; without them the band is counted.
 */
function costBandCount(f: TrajectoryFilter): Sql | null {
  if (f.min_cost === undefined && f.max_cost === undefined) return null;
  const rest = { ...f, min_cost: undefined, max_cost: undefined };
  if (!onlyFilters(rest, ['run', 'correct'])) return null;
  const all = rollupCount(rest);
  if (!all) return null;
  const restConds = trajectoryConditions(rest);
  const countWhere = (c: Sql) => sql`(SELECT count(*) FROM trajectories t WHERE ${join([...restConds, c], ' AND ')})`;
  const inBand: Sql[] = [];
  const outside: Sql[] = [];
  if (f.min_cost !== undefined) {
    inBand.push(sql`b >= ${f.min_cost}`);
    outside.push(countWhere(sql`t.cost_usd < ${f.min_cost}`));
  }
  if (f.max_cost !== undefined) {
    inBand.push(sql`b <= ${f.max_cost}`);
    outside.push(countWhere(sql`t.cost_usd > ${f.max_cost}`));
  }
  const share = sql`(SELECT avg((${join(inBand, ' AND ')})::int) FROM pg_stats s, unnest(s.histogram_bounds::text::float8[]) b
                      WHERE s.schemaname = current_schema() AND s.tablename = 'trajectories' AND s.attname = 'cost_usd')`;
  const band = sql`(SELECT count(*) FROM trajectories t WHERE ${join(trajectoryConditions(f), ' AND ')})`;
  return sql`SELECT (CASE WHEN ${share} > 0.5 THEN (${all}) - ${join(outside, ' - ')} ELSE ${band} END)::int AS n`;
}

/**
 * The query that counts the trajectories passing the filters, exactly. The rollups answer run,
 * correct and model (and labelled=false as their count less the labelled ones, which an index finds);
 * a wide cost band is their count less the trajectories outside it; otherwise PostgreSQL counts, over
 * an index where one covers the filters.
 */
export function countQuery(filter: TrajectoryFilter): Sql {
  const fromRollups = rollupCount(filter);
  if (fromRollups) return fromRollups;
  const band = costBandCount(filter);
  if (band) return band;
  if (filter.labelled === false) {
    const all = rollupCount({ ...filter, labelled: undefined });
    const labelled = trajectoryConditions({ ...filter, labelled: true });
    if (all) return sql`SELECT ((${all}) - (SELECT count(*) FROM trajectories t WHERE ${join(labelled, ' AND ')}))::int AS n`;
  }
  return sql`SELECT count(*)::int AS n FROM trajectories t WHERE ${join(trajectoryConditions(filter), ' AND ')}`;
}

export async function countTrajectories(filter: TrajectoryFilter): Promise<number> {
  const [row] = await queryRows<{ n: number }>(reads(), countQuery(filter));
  return row?.n ?? 0;
}

/** Steps by model for a page's trajectories: one index range of steps per trajectory. */
async function stepSharesOf(db: SqlExecutor, rows: readonly ItemRow[]): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>();
  if (rows.length === 0) return out;
  const counts = await queryRows<{ pk: number; model: string; n: number }>(
    db,
    sql`SELECT trajectory_pk AS pk, model, count(*)::int AS n FROM steps WHERE trajectory_pk = ANY(${rows.map((r) => r.pk)}::int[]) GROUP BY 1, 2`,
  );
  const steps = new Map(rows.map((r) => [r.pk, r.step_count]));
  for (const c of counts) {
    const shares = out.get(c.pk) ?? {};
    shares[c.model] = c.n / (steps.get(c.pk) || 1);
    out.set(c.pk, shares);
  }
  return out;
}

function toItem(r: ItemRow, shares: Record<string, number> = {}): TrajectoryListItem {
  return {
    id: r.id,
    run_id: r.run_id,
    query_id: r.query_id,
    benchmark: r.benchmark,
    correct: r.correct,
    steps: r.step_count,
    cost_usd: r.cost_usd,
    process_score: r.process_score,
    reward: r.reward,
    savings: r.savings,
    labelled: r.labelled,
    ingested_at: r.ingested_at.toISOString(),
    query_text: r.query_text,
    step_share_by_model: shares,
    training_step: r.training_step,
    group: r.training_group,
  };
}

export async function listTrajectories(
  filter: TrajectoryFilter,
  params: ListParams,
  opts: { window?: number; view?: ViewSettings } = {},
): Promise<TrajectoryListPage> {
  const db = reads();
  const [rows, total] = await Promise.all([readPage(filter, params, (q) => queryRows<ItemRow>(db, q), opts), countTrajectories(filter)]);
  const page = rows.slice(0, params.limit);
  const last = page[page.length - 1];
  const next_cursor = rows.length > params.limit && last ? encodeCursor({ sort: params.sort, order: params.order, value: last.sort_key, pk: last.pk }) : null;
  const shares = await stepSharesOf(db, page);
  const view = opts.view ?? DEFAULT_VIEW;
  return { items: page.map((r) => toItem(r, shares.get(r.pk))), next_cursor, total, judge: view.judge, lambda: view.lambda, mu: view.mu };
}
