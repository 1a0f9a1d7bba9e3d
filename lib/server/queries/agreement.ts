import 'server-only';
// GET /api/agreement: judge vs newest human label, and between people, overall, per scale kind (pooled
// across rubrics: a criterion id means something only within its rubric) and per criterion (within one
// rubric), optionally under the judge setting, or per judge (by=judge), or per judge over time or
// training steps (by=judge&over=). Labels belong to items: judge vs human counts each judge-scored
// judgment of a labelled item against the item's newest label (newest_label), and SQL only counts
// them, as cells of (judge, criterion, judge score, human score, count); lib/domain computes every
// figure and its seeded bootstrap interval from the cells. Between people counts each item that two
// or more people labelled once, from each person's newest label (people_labels).
import type pg from 'pg';
import {
  addToCategoricalTable,
  categoricalFiguresOfTable,
  categoricalOverallOfTables,
  KIND_CATEGORIES,
  kindAgreementOfCells,
  NumericTableBuilder,
  numericFiguresOfTable,
  normalizedScore,
  peopleAgreement,
  scaleOf,
  UNNAMED_JUDGE,
  type AgreementCell,
  type Interval,
  type KindFigures,
  type PeopleItem,
  type Scale,
} from '@/lib/domain';
import type { AgreementOver, AgreementParams, AgreementRequest } from '@/lib/schemas/read';
import { empty, join, queryRows, sql, type Sql } from '@/lib/server/sql';
import { checkJudge } from '@/lib/server/view-settings';
import { queryRowsWith, reads } from '@/lib/server/reads';

/** The conditions of the agreement filters over item `i` and its trajectory `t`. */
export function agreementConditions(params: Pick<AgreementParams, 'run' | 'rubric' | 'criterion'>): Sql[] {
  const where: Sql[] = [];
  if (params.run !== undefined) where.push(sql`t.run_id = ${params.run}`);
  if (params.rubric !== undefined) where.push(sql`t.rubric_id = ${params.rubric}`);
  if (params.criterion !== undefined) where.push(sql`i.criterion_id = ${params.criterion}`);
  return where;
}

/**
 * The labelled items that the filters select, with `i` (the item), `t` and `c` in scope: driven from
 * the labels (few) rather than the items (one per judged criterion and step set).
 */
export function labelledItems(params: Pick<AgreementParams, 'run' | 'rubric' | 'criterion'>, extra: Sql[] = []): Sql {
  const where = [...agreementConditions(params), ...extra];
  return sql`FROM (SELECT DISTINCT item_id FROM labels) li
              JOIN items i ON i.id = li.item_id
              JOIN trajectories t ON t.pk = i.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
             ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}`;
}

/** One judge's score of an item. */
export interface JudgeScore {
  judgment_id: number;
  judge: string | null;
  score: number;
}

/** Over item `i`: every judge's score, by position (a person's own judgments have none). */
export const JUDGE_SCORES_JSON = sql`(SELECT json_agg(json_build_object('judgment_id', j.id, 'judge', j.judge, 'score', j.judge_score) ORDER BY j.position)
    FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL)`;

const KINDS: Scale['kind'][] = ['binary', 'ternary', 'numeric'];

/**
 * A counting query over every labelled judgment (500,000 rows at 100,000 items and 5 judges) with
 * planner settings of its own, in a transaction of its own: no JIT (its compile time, ~0.6 s, is more
 * than it saves on a plain aggregate) and enough work_mem for a hash aggregate of the cells rather
 * than a sort of every row (bench/agreement.ts).
 */
function countingRows<T extends pg.QueryResultRow>(q: Sql): Promise<T[]> {
  return queryRowsWith<T>("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", q);
}

/** The judge a judgment belongs to (the unnamed judge by its name), over judgments `j`. */
const JUDGE_NAME = sql`coalesce(j.judge, ${UNNAMED_JUDGE})`;

interface CellRow {
  judge: string | null;
  rubric_id: string;
  criterion_id: string;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  judge_score: number;
  human: number;
  n: number;
}

/** The cells of one judge (or of every judge: null) and criterion, as [judge score, human score, n]. */
interface CellGroup {
  judge: string | null;
  rubric_id: string;
  criterion_id: string;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  cells: [number, number, number][];
}

/** Counted rows as groups of one judge and criterion, in the order first seen. */
function cellGroups(rows: readonly CellRow[]): CellGroup[] {
  const groups = new Map<string, CellGroup>();
  for (const r of rows) {
    const key = `${r.judge ?? ''}\u0000${criterionKey(r.rubric_id, r.criterion_id)}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = { judge: r.judge, rubric_id: r.rubric_id, criterion_id: r.criterion_id, kind: r.kind, scale_min: r.scale_min, scale_max: r.scale_max, cells: [] }),
      );
    g.cells.push([r.judge_score, r.human, r.n]);
  }
  return [...groups.values()];
}

/** The counted cells of a filter: from the stored counts, or counted from the items. */
async function countedCells(params: AgreementParams, judge: string | null, perJudge: boolean, live: boolean): Promise<CellGroup[]> {
  return live
    ? cellGroups(await countingRows<CellRow>(cellsQuery(params, judge, perJudge)))
    : countingRows<CellGroup>(storedCellsQuery(params, judge, perJudge));
}

/** Every judgment of a labelled item, with its trajectory, criterion and the item's newest label (nl). */
const JUDGED_LABELLED_ITEMS = sql`FROM (SELECT DISTINCT item_id FROM labels) li
  JOIN items i ON i.id = li.item_id
  JOIN trajectories t ON t.pk = i.trajectory_pk
  JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
  CROSS JOIN LATERAL newest_label(i.id) nl
  JOIN judgments j ON j.item_id = i.id`;

/**
 * Judge vs human as counts: per (judge when `perJudge`, criterion, judge score, newest human score) the
 * number of judge-scored judgments of labelled items. With `judge`, only that judge's judgments.
 */
export function cellsQuery(params: AgreementParams, judge: string | null, perJudge: boolean): Sql {
  const where = [...agreementConditions(params), sql`j.judge_score IS NOT NULL`];
  if (judge !== null) where.push(sql`${JUDGE_NAME} = ${judge}`);
  const judgeCol = perJudge ? sql`${JUDGE_NAME}` : sql`NULL::text`;
  return sql`SELECT ${judgeCol} AS judge, t.rubric_id, i.criterion_id, c.kind, c.scale_min, c.scale_max,
                    j.judge_score, nl.score AS human, count(*)::int AS n
               ${JUDGED_LABELLED_ITEMS}
              WHERE ${join(where, ' AND ')}
              GROUP BY 1, t.rubric_id, i.criterion_id, c.kind, c.scale_min, c.scale_max, j.judge_score, nl.score`;
}

interface ItemCountRow {
  rubric_id: string;
  criterion_id: string;
  n_items: number;
}

/** Labelled items per criterion (with `judge`: those with a judgment in the judge's view). */
function itemCountsQuery(params: AgreementParams, judge: string | null): Sql {
  const extra = judge === null ? [] : [sql`EXISTS (SELECT 1 FROM judgments j WHERE j.item_id = i.id AND ${judgmentInView(judge)})`];
  return sql`SELECT t.rubric_id, i.criterion_id, count(*)::int AS n_items ${labelledItems(params, extra)} GROUP BY t.rubric_id, i.criterion_id`;
}

interface PeopleRow {
  rubric_id: string;
  criterion_id: string;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  people_scores: number[];
  judges: string[] | null;
}

/**
 * The items that two or more people labelled, with each person's newest score and the judges that
 * scored the item (by=judge: a judge's figures between people are over its own items).
 */
function peopleQuery(params: AgreementParams, judge: string | null): Sql {
  const where = agreementConditions(params);
  if (judge !== null) where.push(sql`EXISTS (SELECT 1 FROM judgments j WHERE j.item_id = i.id AND ${judgmentInView(judge)})`);
  return sql`SELECT t.rubric_id, i.criterion_id, c.kind, c.scale_min, c.scale_max,
                    (SELECT array_agg(p.score ORDER BY label_person(p.user_id, p.author)) FROM people_labels(i.id) p) AS people_scores,
                    (SELECT array_agg(DISTINCT ${JUDGE_NAME}) FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL) AS judges
               FROM (SELECT item_id FROM labels GROUP BY item_id HAVING count(DISTINCT label_person(user_id, author)) >= 2) m
               JOIN items i ON i.id = m.item_id
               JOIN trajectories t ON t.pk = i.trajectory_pk
               JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
              ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}
              ORDER BY i.id`;
}

/** Where to count from: the stored counts (the default) or the items themselves. */
export interface AgreementSource {
  live?: boolean;
}

/** The agreement filters over a stored count table `a` (run_id, rubric_id, criterion_id). */
function storedConditions(params: Pick<AgreementParams, 'run' | 'rubric' | 'criterion'>): Sql[] {
  const where: Sql[] = [];
  if (params.run !== undefined) where.push(sql`a.run_id = ${params.run}`);
  if (params.rubric !== undefined) where.push(sql`a.rubric_id = ${params.rubric}`);
  if (params.criterion !== undefined) where.push(sql`a.criterion_id = ${params.criterion}`);
  return where;
}

const whereOf = (where: Sql[]) => (where.length ? sql`WHERE ${join(where, ' AND ')}` : empty);

/**
 * cellsQuery from agreement_cells, a row per (judge when `perJudge`, criterion) with its cells as JSON
 * [judge score, human score, n] triples: summed over runs first, then given its criterion's scale
 * (one aggregate over the count rows, in countingRows' work_mem).
 */
export function storedCellsQuery(params: AgreementParams, judge: string | null, perJudge: boolean): Sql {
  const where = storedConditions(params);
  if (judge !== null) where.push(sql`a.judge = ${judge}`);
  const judgeCol = perJudge ? sql`a.judge` : sql`NULL::text`;
  return sql`SELECT x.judge, x.rubric_id, x.criterion_id, c.kind, c.scale_min, c.scale_max, x.cells
               FROM (SELECT y.judge, y.rubric_id, y.criterion_id, json_agg(json_build_array(y.judge_score, y.human, y.n)) AS cells
                       FROM (SELECT ${judgeCol} AS judge, a.rubric_id, a.criterion_id, a.judge_score, a.human, sum(a.n)::int AS n
                               FROM agreement_cells a ${whereOf(where)}
                              GROUP BY 1, a.rubric_id, a.criterion_id, a.judge_score, a.human) y
                      GROUP BY y.judge, y.rubric_id, y.criterion_id) x
               JOIN criteria c ON c.rubric_id = x.rubric_id AND c.id = x.criterion_id`;
}

/** itemCountsQuery without the judge setting, from agreement_items. */
function storedItemCountsQuery(params: AgreementParams): Sql {
  return sql`SELECT a.rubric_id, a.criterion_id, sum(a.n_items)::int AS n_items FROM agreement_items a ${whereOf(storedConditions(params))}
              GROUP BY a.rubric_id, a.criterion_id`;
}

/** peopleQuery from agreement_people, as one JSON array (parsed at once, not row by row and array by array). */
function storedPeopleQuery(params: AgreementParams, judge: string | null): Sql {
  const where = storedConditions(params);
  if (judge !== null) where.push(sql`(a.person_judgment OR ${judge} = ANY(a.judges))`);
  return sql`SELECT coalesce(json_agg(json_build_object('rubric_id', a.rubric_id, 'criterion_id', a.criterion_id, 'kind', a.kind, 'scale_min', a.scale_min,
                                                        'scale_max', a.scale_max, 'people_scores', a.people_scores, 'judges', a.judges) ORDER BY a.item_id), '[]') AS rows
               FROM agreement_people a ${whereOf(where)}`;
}

/** The items that two or more people labelled: from agreement_people, or counted from the items. */
async function peopleRows(params: AgreementParams, judge: string | null, live: boolean): Promise<PeopleRow[]> {
  if (live) return queryRows<PeopleRow>(reads(), peopleQuery(params, judge));
  return (await queryRows<{ rows: PeopleRow[] }>(reads(), storedPeopleQuery(params, judge)))[0]!.rows;
}

/** The judgment-in-view condition of the judge setting, over judgments `j`. */
function judgmentInView(judge: string): Sql {
  return sql`(j.judge_score IS NULL OR ${JUDGE_NAME} = ${judge})`;
}

interface CriterionMeta {
  rubric_id: string;
  id: string;
  position: number;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
}

async function criteriaMeta(keys: readonly { rubric_id: string; criterion_id: string }[]): Promise<Map<string, CriterionMeta>> {
  if (keys.length === 0) return new Map();
  const rows = await queryRows<CriterionMeta>(
    reads(),
    sql`SELECT c.rubric_id, c.id, c.position, c.text, c.weight, c.kind, c.scale_min, c.scale_max
          FROM criteria c JOIN unnest(${keys.map((k) => k.rubric_id)}::text[], ${keys.map((k) => k.criterion_id)}::text[]) AS k(rubric_id, id)
            ON c.rubric_id = k.rubric_id AND c.id = k.id`,
  );
  return new Map(rows.map((r) => [criterionKey(r.rubric_id, r.id), r]));
}

const criterionKey = (rubric: string, criterion: string) => `${rubric}\u0000${criterion}`;

/** A cell row as lib/domain's cell: binary and ternary scores as given, numeric ones normalized. */
function cellOf(r: CellRow): AgreementCell {
  if (r.kind !== 'numeric') return { judge: r.judge_score, human: r.human, n: r.n };
  const scale = scaleOf(r.kind, r.scale_min, r.scale_max);
  return { judge: normalizedScore(r.judge_score, scale), human: normalizedScore(r.human, scale), n: r.n };
}

/** The judge-vs-human figures of one kind as the API gives them (fields of the other kinds null). */
export interface JudgeHumanFigures {
  n: number;
  percent_agreement: number | null;
  percent_agreement_interval: Interval | null;
  cohens_kappa: number | null;
  cohens_kappa_interval: Interval | null;
  mean_absolute_difference: number | null;
  mean_absolute_difference_interval: Interval | null;
  spearman_rho: number | null;
  spearman_rho_interval: Interval | null;
}

function judgeHumanFigures(f: KindFigures): JudgeHumanFigures {
  const none = { percent_agreement: null, percent_agreement_interval: null, cohens_kappa: null, cohens_kappa_interval: null };
  if (f.kind === 'numeric') {
    return {
      n: f.n,
      ...none,
      mean_absolute_difference: f.meanAbsoluteDifference,
      mean_absolute_difference_interval: f.meanAbsoluteDifferenceInterval,
      spearman_rho: f.spearmanRho,
      spearman_rho_interval: f.spearmanRhoInterval,
    };
  }
  return {
    n: f.n,
    percent_agreement: f.percentAgreement,
    percent_agreement_interval: f.percentAgreementInterval,
    cohens_kappa: f.kappa,
    cohens_kappa_interval: f.kappaInterval,
    mean_absolute_difference: null,
    mean_absolute_difference_interval: null,
    spearman_rho: null,
    spearman_rho_interval: null,
  };
}

/** People among themselves pooled over kinds: nominal α over the categorical items, interval α over the numeric. */
function pooledPeopleFigures(items: readonly PeopleItem[]) {
  const pa = peopleAgreement(items);
  return { nominal: { n_items: pa.nominal.items, alpha: pa.nominal.alpha }, interval: { n_items: pa.interval.items, alpha: pa.interval.alpha } };
}

function peopleFigures(kind: Scale['kind'], items: readonly PeopleItem[]) {
  const pa = peopleAgreement(items);
  const alpha = kind === 'numeric' ? pa.interval : pa.nominal;
  return { level: kind === 'numeric' ? ('interval' as const) : ('nominal' as const), n_items: alpha.items, alpha: alpha.alpha };
}

function peopleItemOf(r: PeopleRow): PeopleItem {
  return { scale: scaleOf(r.kind, r.scale_min, r.scale_max), scores: r.people_scores };
}

/** One criterion's judge-vs-human counts: a k×k table (binary, ternary) or a numeric table's pairs. */
interface CriterionCounts {
  kind: Scale['kind'];
  n: number;
  counts: number[] | null;
  numeric: NumericTableBuilder | null;
}

/** Rows grouped by a key, in the order first seen. */
function groupBy<T, K>(rows: readonly T[], keyOf: (r: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/**
 * The between-people figures already computed for one set of people rows (by=judge: the judges whose
 * items are the same rows share them), by 'overall', kind or criterion.
 */
type PeopleMemo = Map<string, unknown>;

/**
 * The figures of one set of judgments (every judge, one judge's view, or one judge of by=judge):
 * overall, per scale kind, and per criterion. Criterion intervals are computed only when the
 * criteria come from one rubric (or `rubric=` names one): across query-specific rubrics a criterion
 * has a handful of items, and the kinds carry the intervals that mean something.
 */
function figuresOf(
  cells: readonly CellGroup[],
  people: readonly PeopleRow[],
  itemCounts: Map<string, number> | null,
  meta: Map<string, CriterionMeta>,
  oneRubric: boolean,
  peopleMemo: PeopleMemo = new Map(),
) {
  // One pass over the cells: each group's triples go straight into count tables, its criterion's and
  // its kind's (integer counts, so the order of additions changes nothing), with no object per cell.
  const binary = new Array<number>(4).fill(0);
  const ternary = new Array<number>(9).fill(0);
  const numericKind = new NumericTableBuilder();
  const kindN = { binary: 0, ternary: 0, numeric: 0 };
  const seenKinds = new Set<Scale['kind']>();
  const byCriterion = new Map<string, CriterionCounts>();
  let judgedAll = 0;
  for (const g of cells) {
    seenKinds.add(g.kind);
    const key = criterionKey(g.rubric_id, g.criterion_id);
    let acc = byCriterion.get(key);
    if (!acc)
      byCriterion.set(
        key,
        (acc = {
          kind: g.kind,
          n: 0,
          counts: g.kind === 'numeric' ? null : new Array<number>(KIND_CATEGORIES[g.kind] ** 2).fill(0),
          numeric: g.kind === 'numeric' ? new NumericTableBuilder() : null,
        }),
      );
    const triples = g.cells;
    let n = 0;
    if (g.kind === 'numeric') {
      const scale = scaleOf(g.kind, g.scale_min, g.scale_max);
      for (let i = 0; i < triples.length; i++) {
        const t = triples[i]!;
        const x = normalizedScore(t[0], scale);
        const y = normalizedScore(t[1], scale);
        acc.numeric!.add(x, y, t[2]);
        numericKind.add(x, y, t[2]);
        n += t[2];
      }
    } else {
      const kind = g.kind;
      for (let i = 0; i < triples.length; i++) {
        const t = triples[i]!;
        addToCategoricalTable(kind, acc.counts!, t[0], t[1], t[2]);
        addToCategoricalTable(kind, kind === 'binary' ? binary : ternary, t[0], t[1], t[2]);
        n += t[2];
      }
    }
    acc.n += n;
    kindN[g.kind] += n;
    judgedAll += n;
  }
  const groupsMemo = <T>(key: string, make: () => T): T => {
    if (!peopleMemo.has(key)) peopleMemo.set(key, make());
    return peopleMemo.get(key) as T;
  };
  const peopleByKind = groupsMemo('groups\u0000kind', () => groupBy(people, (r) => r.kind));
  const memo = groupsMemo;
  const people_ = (key: string, kind: Scale['kind'], rows: readonly PeopleRow[]) => memo(key, () => peopleFigures(kind, rows.map(peopleItemOf)));
  const kindFigures = (kind: Scale['kind'], opts: { intervals?: boolean } = {}): KindFigures =>
    kind === 'numeric'
      ? numericFiguresOfTable(kindN.numeric, numericKind.table(), opts)
      : categoricalFiguresOfTable(kind, kindN[kind], kind === 'binary' ? binary : ternary, opts);
  const kinds = KINDS.filter((k) => seenKinds.has(k) || peopleByKind.has(k)).map((kind) => {
    const f = kindFigures(kind);
    return { kind, judge_human: judgeHumanFigures(f), people: people_(`kind\u0000${kind}`, kind, peopleByKind.get(kind) ?? []) };
  });
  const categorical = categoricalOverallOfTables(binary, ternary);
  const numeric = kindFigures('numeric', { intervals: false });
  if (numeric.kind !== 'numeric') throw new Error('numeric figures expected');

  const peopleByCriterion = groupsMemo('groups\u0000criterion', () => groupBy(people, (r) => criterionKey(r.rubric_id, r.criterion_id)));
  const keys = new Set([...byCriterion.keys(), ...peopleByCriterion.keys(), ...(itemCounts?.keys() ?? [])]);
  // Sorted by rubric and position first, so each criterion's answer is built once, in its place.
  const sortedKeys = [...keys].sort((ka, kb) => {
    const a = meta.get(ka)!;
    const b = meta.get(kb)!;
    return a.rubric_id < b.rubric_id ? -1 : a.rubric_id > b.rubric_id ? 1 : a.position - b.position;
  });
  const criterionOpts = { intervals: oneRubric };
  const criteria = sortedKeys.map((key) => {
    const m = meta.get(key)!;
    const scale = scaleOf(m.kind, m.scale_min, m.scale_max);
    const own = byCriterion.get(key);
    const f = !own
      ? kindAgreementOfCells(scale.kind, [], criterionOpts)
      : own.numeric
        ? numericFiguresOfTable(own.n, own.numeric.table(), criterionOpts)
        : categoricalFiguresOfTable(own.kind as 'binary' | 'ternary', own.n, own.counts!, criterionOpts);
    const judged = own?.n ?? 0;
    return {
      rubric_id: m.rubric_id,
      id: m.id,
      text: m.text,
      kind: m.kind,
      weight: m.weight,
      n_items: itemCounts ? (itemCounts.get(key) ?? 0) : judged,
      judge_human: judgeHumanFigures(f),
      people: people_(`criterion\u0000${key}`, scale.kind, peopleByCriterion.get(key) ?? []),
    };
  });

  const nItems = itemCounts ? [...itemCounts.values()].reduce((s, n) => s + n, 0) : judgedAll;
  return {
    overall: {
      n_items: nItems,
      judge_human: {
        categorical: { n: categorical.n, percent_agreement: categorical.percentAgreement, cohens_kappa: categorical.kappa },
        numeric: { n: numeric.n, mean_absolute_difference: numeric.meanAbsoluteDifference, spearman_rho: numeric.spearmanRho },
      },
      people: memo('overall', () => pooledPeopleFigures(people.map(peopleItemOf))),
    },
    kinds,
    criteria,
  };
}

const rubricsOf = (rows: readonly { rubric_id: string }[]) => new Set(rows.map((r) => r.rubric_id));

/** GET /api/agreement (without by): every judgment, or the judge setting's. */
export async function agreement(params: AgreementRequest, source: AgreementSource = {}) {
  const judge = params.judge ?? null;
  await checkJudge(judge);
  const db = reads();
  const live = source.live === true;
  const [cells, counts, people] = await Promise.all([
    countedCells(params, judge, false, live),
    queryRows<ItemCountRow>(db, live || judge !== null ? itemCountsQuery(params, judge) : storedItemCountsQuery(params)),
    peopleRows(params, judge, live),
  ]);
  const meta = await criteriaMeta(counts);
  const itemCounts = new Map(counts.map((r) => [criterionKey(r.rubric_id, r.criterion_id), r.n_items]));
  const oneRubric = params.rubric !== undefined || rubricsOf(counts).size <= 1;
  return {
    run: params.run ?? null,
    rubric: params.rubric ?? null,
    criterion: params.criterion ?? null,
    judge,
    ...figuresOf(cells, people, itemCounts, meta, oneRubric),
  };
}

/** GET /api/agreement?by=judge: the same figures per judge, over each judge's judgments of labelled items. */
export async function agreementByJudge(params: AgreementRequest, source: AgreementSource = {}) {
  const judge = params.judge ?? null;
  await checkJudge(judge);
  const live = source.live === true;
  const [cells, people] = await Promise.all([countedCells(params, judge, true, live), peopleRows(params, judge, live)]);
  const keys = [...new Map(cells.map((r) => [criterionKey(r.rubric_id, r.criterion_id), r])).values()];
  const meta = await criteriaMeta(keys);
  const oneRubric = params.rubric !== undefined || rubricsOf(cells).size <= 1;
  const byJudge = groupBy(cells, (r) => r.judge!);
  const judges = [...byJudge.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const allPeople: PeopleMemo = new Map();
  return {
    run: params.run ?? null,
    rubric: params.rubric ?? null,
    criterion: params.criterion ?? null,
    judge,
    by: 'judge' as const,
    judges: judges.map((name) => {
      const own = people.filter((p) => p.judges?.includes(name));
      // A judge that scored every item that people labelled shares those figures with the others that did.
      return { judge: name, ...figuresOf(byJudge.get(name)!, own, null, meta, oneRubric, own.length === people.length ? allPeople : undefined) };
    }),
  };
}

interface SeriesRow {
  judge: string;
  at: string | number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  judge_score: number;
  human: number;
  n: number;
}

/** The bucket of a labelled item, over its newest label `nl` and trajectory `t`. */
function bucketOf(over: AgreementOver): Sql {
  if (over === 'step') return sql`t.training_step`;
  return sql`to_char(date_trunc(${over}::text, nl.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
}

function liveSeriesQuery(params: AgreementRequest & { over: AgreementOver }, judge: string | null): Sql {
  const where = [...agreementConditions(params), sql`j.judge_score IS NOT NULL`];
  if (judge !== null) where.push(sql`${JUDGE_NAME} = ${judge}`);
  if (params.over === 'step') where.push(sql`t.training_step IS NOT NULL`);
  return sql`SELECT ${JUDGE_NAME} AS judge, ${bucketOf(params.over)} AS at, c.kind, c.scale_min, c.scale_max,
                    j.judge_score, nl.score AS human, count(*)::int AS n
               ${JUDGED_LABELLED_ITEMS}
              WHERE ${join(where, ' AND ')}
              GROUP BY 1, 2, c.kind, c.scale_min, c.scale_max, j.judge_score, nl.score`;
}

/**
 * The series counts from agreement_days (by the label's UTC day, to a week from Monday) or
 * agreement_steps: per run and scale, so filters by run and judge only.
 */
function storedSeriesQuery(params: AgreementRequest & { over: AgreementOver }, judge: string | null): Sql {
  const where: Sql[] = [];
  if (params.run !== undefined) where.push(sql`a.run_id = ${params.run}`);
  if (judge !== null) where.push(sql`a.judge = ${judge}`);
  const at = params.over === 'step' ? sql`a.training_step` : sql`to_char(date_trunc(${params.over}::text, a.day::timestamp), 'YYYY-MM-DD')`;
  return sql`SELECT a.judge, ${at} AS at, a.kind, a.scale_min, a.scale_max, a.judge_score, a.human, sum(a.n)::int AS n
               FROM ${params.over === 'step' ? sql`agreement_steps` : sql`agreement_days`} a ${whereOf(where)}
              GROUP BY 1, 2, a.kind, a.scale_min, a.scale_max, a.judge_score, a.human`;
}

/**
 * GET /api/agreement?by=judge&over=day|week|step: per judge, its figures per scale kind in each bucket
 * of the newest label's date (UTC days, or weeks from Monday) or of the trajectory's training step
 * (trajectories without one are left out). Points carry no intervals (a series has many).
 */
export async function agreementSeries(params: AgreementRequest & { over: AgreementOver }, source: AgreementSource = {}) {
  const judge = params.judge ?? null;
  await checkJudge(judge);
  const stored = source.live !== true && params.rubric === undefined && params.criterion === undefined;
  const rows = stored ? await queryRows<SeriesRow>(reads(), storedSeriesQuery(params, judge)) : await countingRows<SeriesRow>(liveSeriesQuery(params, judge));
  const byJudge = groupBy(rows, (r) => r.judge);
  const judges = [...byJudge.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    run: params.run ?? null,
    rubric: params.rubric ?? null,
    criterion: params.criterion ?? null,
    judge,
    by: 'judge' as const,
    over: params.over,
    judges: judges.map((name) => {
      const byAt = groupBy(byJudge.get(name)!, (r) => r.at);
      const ats = [...byAt.keys()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
      return {
        judge: name,
        points: ats.map((at) => {
          const own = groupBy(byAt.get(at)!, (r) => r.kind);
          return {
            at,
            kinds: KINDS.filter((k) => own.has(k)).map((kind) => ({
              kind,
              judge_human: judgeHumanFigures(
                kindAgreementOfCells(
                  kind,
                  own.get(kind)!.map((r) => cellOf({ ...r, rubric_id: '', criterion_id: '' })),
                  { intervals: false },
                ),
              ),
            })),
          };
        }),
      };
    }),
  };
}
