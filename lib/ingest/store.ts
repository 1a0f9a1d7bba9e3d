// Stores a batch of validated lines in one transaction. Decisions (new, unchanged, conflicting,
// replaced) are taken under an advisory lock against what is stored, line by line in file order, so
// the first definition of a model, run, query or rubric stands and a line that contradicts it stores
// nothing. The writes are set-based: COPY for trajectories, steps and judgments, unnest for the rest.
import type pg from 'pg';
import { copyDoubleArray, copyIntArray, copyNumber, copyRows, copyText, copyTextArray } from './copy';
import { createHash } from 'node:crypto';
import { numberText } from '@/lib/domain/number-text';
import type { CriterionRow, JudgmentRow, ModelRow, NormalizedLine, QueryRow, RubricRow, RunRow } from './normalize';
import { addStoredToRollups, RollupDeltas, type ModelDelta } from '@/lib/db/rollups';
import { syncAgreement } from '@/lib/db/agreement-counts';
import { recomputeTrajectory } from '@/lib/db/derived';
import { copyRoutingData, deleteStoredRouting, routingCopyData } from '@/lib/db/routing-rollups';
import { itemKey } from '@/lib/db/items';
import { contributionOfLine } from '@/lib/db/training-rollups';
import { recordIngestEvents } from '@/lib/db/ingest-events';
import { groupConflict, groupKey, groupsOf, noteGroup, type KnownGroup } from './training';
import { addJudges, judgeNames, writeJudgeFigures } from '@/lib/db/judge-figures';

export interface BatchLine {
  lineNo: number;
  norm: NormalizedLine;
}

export type LineOutcome =
  | { lineNo: number; id: string; outcome: 'stored' | 'unchanged' | 'replaced' }
  | { lineNo: number; id: string; outcome: 'failed'; path: string; message: string };

/** The advisory lock that serializes ingest batches (and deletions, which must not race them). */
export const INGEST_LOCK = 7_262_001;

/** A serial column's sequence, looked up once per statement (per row, its lookup cost more than nextval). */
const drawn = (table: string, column: string, n: number) =>
  `(SELECT coalesce(array_agg(nextval(q.seq)::int), '{}') FROM (SELECT pg_get_serial_sequence('${table}', '${column}')::regclass AS seq OFFSET 0) q
     CROSS JOIN generate_series(1, ${n}))`;

/**
 * Draws `counts[i]` values from the sequence of each `serials[i]` (table, column), in one round trip;
 * each list in the order drawn. The counts are integers of ours, written into the statement.
 */
async function drawIds(client: pg.PoolClient, serials: readonly (readonly [table: string, column: string, count: number])[]): Promise<number[][]> {
  for (const [, , n] of serials) if (!Number.isSafeInteger(n) || n < 0) throw new Error(`drawIds: bad count ${n}`);
  const r = await client.query<Record<string, number[]>>(`SELECT ${serials.map(([t, c, n], i) => `${drawn(t, c, n)} AS ids${i}`).join(', ')}`);
  return serials.map((_, i) => r.rows[0]![`ids${i}`]!);
}

export interface Dims {
  models: Map<string, ModelRow>;
  runs: Map<string, RunRow>;
  queries: Map<string, QueryRow>;
  rubrics: Map<string, RubricRow>;
}

class LineConflict extends Error {
  constructor(
    public readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const fmt = (v: unknown) => (v === null || v === undefined ? 'absent' : JSON.stringify(v));

interface StoredTrajectory {
  pk: number;
  id: string;
  content_hash: string;
  run_id: string;
  training_group: string | null;
}

async function loadStored(client: pg.PoolClient, lines: BatchLine[]): Promise<{ dims: Dims; stored: StoredTrajectory[]; groups: Map<string, KnownGroup> }> {
  const modelIds = new Set<string>();
  const runIds = new Set<string>();
  const queryIds = new Set<string>();
  const rubricIds = new Set<string>();
  for (const { norm } of lines) {
    for (const m of norm.models) modelIds.add(m.id);
    runIds.add(norm.run.id);
    queryIds.add(norm.query.id);
    if (norm.rubric) rubricIds.add(norm.rubric.id);
  }
  // One round trip for everything the decisions need: each one waits on the ingest's event loop.
  type Row = Record<string, unknown>;
  const groupNames = groupsOf(lines);
  const r = await client.query<{
    models: Row[] | null;
    runs: Row[] | null;
    queries: Row[] | null;
    rubrics: Row[] | null;
    criteria: Row[] | null;
    trajectories: Row[] | null;
    groups: Row[] | null;
  }>(
    `SELECT
       (SELECT json_agg(m) FROM (SELECT id, params_b, usd_per_mtok_in, usd_per_mtok_out, content_hash FROM models WHERE id = ANY($1::text[])) m) AS models,
       (SELECT json_agg(r) FROM (SELECT id, policy, meta::text AS meta, content_hash FROM runs WHERE id = ANY($2::text[])) r) AS runs,
       (SELECT json_agg(q) FROM (SELECT id, benchmark, text, reference_answer, content_hash FROM queries WHERE id = ANY($3::text[])) q) AS queries,
       (SELECT json_agg(b) FROM (SELECT id, generator, content_hash FROM rubrics WHERE id = ANY($4::text[])) b) AS rubrics,
       (SELECT json_agg(c ORDER BY c.rubric_id, c.position) FROM (
          SELECT rubric_id, id, position, text, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = ANY($4::text[])) c) AS criteria,
       (SELECT json_agg(t) FROM (SELECT pk, id, content_hash, run_id, training_group FROM trajectories WHERE id = ANY($5::text[])) t) AS trajectories,
       (SELECT json_agg(g) FROM (SELECT g.run_id, g.name, g.query_id, g.step, g.rollouts
          FROM unnest($6::text[], $7::text[]) AS x(run_id, name) JOIN training_groups g ON g.run_id = x.run_id AND g.name = x.name) g) AS groups`,
    [[...modelIds], [...runIds], [...queryIds], [...rubricIds], lines.map((l) => l.norm.trajectory.id), groupNames.runs, groupNames.names],
  );
  const row = r.rows[0]!;
  const models = {
    rows: (row.models ?? []) as { id: string; params_b: number | null; usd_per_mtok_in: number; usd_per_mtok_out: number; content_hash: string }[],
  };
  const runs = { rows: (row.runs ?? []) as { id: string; policy: string | null; meta: string | null; content_hash: string }[] };
  const queries = {
    rows: (row.queries ?? []) as { id: string; benchmark: string | null; text: string; reference_answer: string | null; content_hash: string }[],
  };
  const rubrics = { rows: (row.rubrics ?? []) as { id: string; generator: string | null; content_hash: string }[] };
  const criteria = {
    rows: (row.criteria ?? []) as {
      rubric_id: string;
      id: string;
      position: number;
      text: string;
      weight: number;
      kind: CriterionRow['kind'];
      scale_min: number | null;
      scale_max: number | null;
    }[],
  };
  const stored = (row.trajectories ?? []) as unknown as StoredTrajectory[];
  const groups = new Map<string, KnownGroup>();
  for (const g of (row.groups ?? []) as { run_id: string; name: string; query_id: string; step: number; rollouts: number }[]) {
    groups.set(groupKey(g.run_id, g.name), { queryId: g.query_id, step: g.step, rollouts: g.rollouts });
  }
  const dims: Dims = { models: new Map(), runs: new Map(), queries: new Map(), rubrics: new Map() };
  for (const r of models.rows)
    dims.models.set(r.id, { id: r.id, paramsB: r.params_b, usdPerMtokIn: r.usd_per_mtok_in, usdPerMtokOut: r.usd_per_mtok_out, hash: r.content_hash });
  for (const r of runs.rows) dims.runs.set(r.id, { id: r.id, policy: r.policy, meta: r.meta, hash: r.content_hash });
  for (const r of queries.rows)
    dims.queries.set(r.id, { id: r.id, benchmark: r.benchmark, text: r.text, referenceAnswer: r.reference_answer, hash: r.content_hash });
  for (const r of rubrics.rows) dims.rubrics.set(r.id, { id: r.id, generator: r.generator, criteria: [], hash: r.content_hash });
  for (const c of criteria.rows) {
    dims.rubrics.get(c.rubric_id)?.criteria.push({
      id: c.id,
      position: c.position,
      text: c.text,
      weight: c.weight,
      kind: c.kind,
      scaleMin: c.scale_min,
      scaleMax: c.scale_max,
    });
  }
  return { dims, stored, groups };
}

// Where a line's definition differs from the stored one: the JSON path and words for the first difference.
function checkDims(norm: NormalizedLine, dims: Dims): void {
  norm.models.forEach((m, i) => {
    const known = dims.models.get(m.id);
    if (!known || known.hash === m.hash) return;
    const fields: [keyof ModelRow, string][] = [
      ['usdPerMtokIn', 'usd_per_mtok_in'],
      ['usdPerMtokOut', 'usd_per_mtok_out'],
      ['paramsB', 'params_b'],
    ];
    const [field, name] = fields.find(([f]) => known[f] !== m[f]) ?? fields[0]!;
    throw new LineConflict(
      `/models/${i}/${name}`,
      `model "${m.id}" is already defined with ${name} ${fmt(known[field])}, this line says ${fmt(m[field])}; the first definition stands`,
    );
  });
  const run = dims.runs.get(norm.run.id);
  if (run && run.hash !== norm.run.hash) {
    const field = run.policy !== norm.run.policy ? 'policy' : 'meta';
    throw new LineConflict(`/run/${field}`, `run "${norm.run.id}" is already defined with another ${field}; the first definition stands`);
  }
  const q = dims.queries.get(norm.query.id);
  if (q && q.hash !== norm.query.hash) {
    const field = q.text !== norm.query.text ? 'text' : q.benchmark !== norm.query.benchmark ? 'benchmark' : 'reference_answer';
    throw new LineConflict(`/query/${field}`, `query "${norm.query.id}" is already defined with another ${field}; the first definition stands`);
  }
  if (norm.rubric) {
    const r = dims.rubrics.get(norm.rubric.id);
    if (r && r.hash !== norm.rubric.hash) {
      const i = norm.rubric.criteria.findIndex((c, k) => JSON.stringify(c) !== JSON.stringify(r.criteria[k]));
      const path = i >= 0 ? `/rubric/criteria/${i}` : r.generator !== norm.rubric.generator ? '/rubric/generator' : '/rubric/criteria';
      throw new LineConflict(path, `rubric "${norm.rubric.id}" is already defined with other criteria; the first definition stands`);
    }
  }
}

function addDims(norm: NormalizedLine, dims: Dims, fresh: Dims): void {
  for (const m of norm.models) {
    if (!dims.models.has(m.id)) {
      dims.models.set(m.id, m);
      fresh.models.set(m.id, m);
    }
  }
  if (!dims.runs.has(norm.run.id)) {
    dims.runs.set(norm.run.id, norm.run);
    fresh.runs.set(norm.run.id, norm.run);
  }
  if (!dims.queries.has(norm.query.id)) {
    dims.queries.set(norm.query.id, norm.query);
    fresh.queries.set(norm.query.id, norm.query);
  }
  if (norm.rubric && !dims.rubrics.has(norm.rubric.id)) {
    dims.rubrics.set(norm.rubric.id, norm.rubric);
    fresh.rubrics.set(norm.rubric.id, norm.rubric);
  }
}

export async function insertDims(client: pg.PoolClient, fresh: Dims): Promise<void> {
  const models = [...fresh.models.values()];
  if (models.length) {
    await client.query(
      `INSERT INTO models (id, params_b, usd_per_mtok_in, usd_per_mtok_out, content_hash)
       SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::text[])`,
      [models.map((m) => m.id), models.map((m) => m.paramsB), models.map((m) => m.usdPerMtokIn), models.map((m) => m.usdPerMtokOut), models.map((m) => m.hash)],
    );
  }
  const runs = [...fresh.runs.values()];
  if (runs.length) {
    await client.query(`INSERT INTO runs (id, policy, meta, content_hash) SELECT * FROM unnest($1::text[], $2::text[], $3::json[], $4::text[])`, [
      runs.map((r) => r.id),
      runs.map((r) => r.policy),
      runs.map((r) => r.meta),
      runs.map((r) => r.hash),
    ]);
  }
  const queries = [...fresh.queries.values()];
  if (queries.length) {
    await client.query(
      `INSERT INTO queries (id, benchmark, text, reference_answer, content_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        queries.map((q) => q.id),
        queries.map((q) => q.benchmark),
        queries.map((q) => q.text),
        queries.map((q) => q.referenceAnswer),
        queries.map((q) => q.hash),
      ],
    );
  }
  const rubrics = [...fresh.rubrics.values()];
  if (rubrics.length) {
    await client.query(`INSERT INTO rubrics (id, generator, content_hash) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [
      rubrics.map((r) => r.id),
      rubrics.map((r) => r.generator),
      rubrics.map((r) => r.hash),
    ]);
    const crit = rubrics.flatMap((r) => r.criteria.map((c) => ({ rubricId: r.id, ...c })));
    await client.query(
      `INSERT INTO criteria (rubric_id, id, position, text, weight, kind, scale_min, scale_max)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::"ScaleKind"[], $7::float8[], $8::float8[])`,
      [
        crit.map((c) => c.rubricId),
        crit.map((c) => c.id),
        crit.map((c) => c.position),
        crit.map((c) => c.text),
        crit.map((c) => c.weight),
        crit.map((c) => c.kind),
        crit.map((c) => c.scaleMin),
        crit.map((c) => c.scaleMax),
      ],
    );
  }
}

export const TRAJECTORY_COLUMNS = [
  'pk',
  'id',
  'run_id',
  'query_id',
  'rubric_id',
  'benchmark',
  'correct',
  'final_answer',
  'meta',
  'model_ids',
  'models_used',
  'step_count',
  'tokens_in',
  'tokens_out',
  'cost_usd',
  'all_largest_usd',
  'savings',
  'process_score',
  'reward',
  'content_hash',
  'labelled',
  'training_step',
  'training_group',
  'training_group_given',
  'step_rubric_scores',
] as const;
export const STEP_COLUMNS = [
  'trajectory_pk',
  'index',
  'model',
  'text',
  'tokens_in',
  'tokens_out',
  'latency_ms',
  'router',
  'given_cost_usd',
  'cost_usd',
] as const;
export const ITEM_COLUMNS = ['id', 'trajectory_pk', 'criterion_id', 'steps', 'version', 'content_revision'] as const;
export const JUDGMENT_COLUMNS = ['trajectory_pk', 'position', 'item_id', 'criterion_id', 'steps', 'judge_score', 'rationale', 'judge'] as const;

/** A line about to be stored: its trajectory's pk and the id of each of its items (norm.items). */
export interface StoredLine {
  pk: number;
  itemIds: readonly number[];
  norm: NormalizedLine;
}

/** Item ids for lines stored in bulk (a benchmark's load): consecutive from `first`. */
export function withItemIds(lines: { pk: number; norm: NormalizedLine }[], first: number): { lines: StoredLine[]; next: number } {
  let next = first;
  const out = lines.map((l) => ({ ...l, itemIds: l.norm.items.map(() => next++) }));
  return { lines: out, next };
}

export function* trajectoryCopyRows(items: { pk: number; norm: NormalizedLine }[]): Generator<string> {
  for (const { pk, norm } of items) {
    const t = norm.trajectory;
    yield [
      pk,
      copyText(t.id),
      copyText(t.runId),
      copyText(t.queryId),
      copyText(t.rubricId),
      copyText(t.benchmark),
      t.correct ? 't' : 'f',
      copyText(t.finalAnswer),
      copyText(t.meta),
      copyTextArray(t.modelIds),
      copyTextArray(t.modelsUsed),
      t.stepCount,
      t.tokensIn,
      t.tokensOut,
      t.costUsd,
      t.allLargestUsd,
      copyNumber(t.savings),
      copyNumber(t.processScore),
      t.reward,
      copyText(t.hash),
      t.labelled ? 't' : 'f',
      copyNumber(t.trainingStep),
      copyText(t.trainingGroup),
      norm.trainingGroupGiven ? 't' : 'f',
      copyDoubleArray(t.stepRubricScores),
    ].join('\t');
  }
}

export function* stepCopyRows(items: { pk: number; norm: NormalizedLine }[]): Generator<string> {
  for (const { pk, norm } of items) {
    for (const s of norm.steps) {
      yield `${pk}\t${s.index}\t${copyText(s.model)}\t${copyText(s.text)}\t${s.tokensIn}\t${s.tokensOut}\t${copyNumber(s.latencyMs)}\t${copyText(s.router)}\t${copyNumber(s.givenCostUsd)}\t${numberText(s.costUsd)}`;
    }
  }
}

export function* itemCopyRows(lines: readonly StoredLine[]): Generator<string> {
  for (const { pk, itemIds, norm } of lines) {
    for (let i = 0; i < norm.items.length; i++) {
      const it = norm.items[i]!;
      yield `${itemIds[i]}\t${pk}\t${copyText(it.criterionId)}\t${copyIntArray(it.steps)}\t${it.version}\t${it.contentRevision}`;
    }
  }
}

function judgmentCopyRow(pk: number, itemId: number, j: JudgmentRow): string {
  return `${pk}\t${j.position}\t${itemId}\t${copyText(j.criterionId)}\t${copyIntArray(j.steps)}\t${copyNumber(j.judgeScore)}\t${copyText(j.rationale)}\t${copyText(j.judge)}`;
}

export function* judgmentCopyRows(lines: readonly StoredLine[]): Generator<string> {
  for (const { pk, itemIds, norm } of lines) {
    for (const j of norm.judgments) yield judgmentCopyRow(pk, itemIds[j.item]!, j);
    for (const j of norm.restored.judgments) yield judgmentCopyRow(pk, itemIds[j.item]!, j);
  }
}

/**
 * The human labels that an exported line carried in meta.routelens, written on their items with their
 * author and time for trajectories new to the database (the items were stored with their versions).
 * Label ids are drawn first so that a revert can name the label it reverts in the same statement
 * (labels are append-only: no later UPDATE may fix it).
 */
async function restoreLabels(client: pg.PoolClient, lines: readonly StoredLine[]): Promise<void> {
  const rows = lines.flatMap(({ itemIds, norm }) => norm.restored.labels.map((l) => ({ ...l, itemId: itemIds[l.item]! })));
  if (rows.length === 0) return;
  const [ids] = (await drawIds(client, [['labels', 'id', rows.length]])) as [number[]];
  const idOf = new Map(rows.map((r, i) => [`${r.itemId}:${r.version}`, ids[i]!]));
  await client.query(
    `INSERT INTO labels (id, item_id, version, score, rationale, author, created_at, revert_of_label_id, revert_to_judge, content_revision)
     SELECT x.id, x.item_id, x.version, x.score, x.rationale, x.author, x.created_at::timestamptz, x.revert, x.revert_to_judge, x.content_revision
       FROM unnest($1::int[], $2::int[], $3::int[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::int[])
            AS x(id, item_id, version, score, rationale, author, created_at, revert, revert_to_judge, content_revision)`,
    [
      ids,
      rows.map((r) => r.itemId),
      rows.map((r) => r.version),
      rows.map((r) => r.score),
      rows.map((r) => r.rationale),
      rows.map((r) => r.author),
      rows.map((r) => r.createdAt),
      rows.map((r) => (r.revertOfVersion === null ? null : (idOf.get(`${r.itemId}:${r.revertOfVersion}`) ?? null))),
      rows.map((r) => r.revertToJudge),
      rows.map((r) => r.contentRevision),
    ],
  );
}

export function addToRollups(deltas: RollupDeltas, norm: NormalizedLine, sign: 1 | -1): void {
  const t = norm.trajectory;
  deltas.addTrajectory(t.runId, t, sign);
  deltas.routing.add(t.runId, norm.routing, t.correct, sign);
  deltas.judges.addTrajectory(t.runId, norm.judgeFigures, sign);
  const perModel = new Map<string, ModelDelta>();
  for (const s of norm.steps) {
    let m = perModel.get(s.model);
    if (!m) perModel.set(s.model, (m = { trajectories: 1, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 }));
    m.steps++;
    m.tokensIn += s.tokensIn;
    m.tokensOut += s.tokensOut;
    m.costUsd += s.costUsd;
  }
  for (const [model, m] of perModel) deltas.addModel(t.runId, t.benchmark, model, m, sign);
  deltas.training.add(contributionOfLine(norm), sign);
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * The items whose content a replace changes: those naming a step whose model or text changes, and
 * the whole-trajectory ones when any step, the step count or the final answer changes.
 */
async function itemsWithNewContent(
  client: pg.PoolClient,
  pk: number,
  norm: NormalizedLine,
  oldFinal: string | null,
  kept: readonly { id: number; steps: number[] }[],
): Promise<number[]> {
  if (kept.length === 0) return [];
  const old = await client.query<{ model: string; h: string }>('SELECT model, md5(text) AS h FROM steps WHERE trajectory_pk = $1 ORDER BY index', [pk]);
  const changed = new Set<number>();
  const n = Math.max(old.rows.length, norm.steps.length);
  for (let k = 0; k < n; k++) {
    const o = old.rows[k];
    const s = norm.steps[k];
    if (!o || !s || o.model !== s.model || o.h !== md5(s.text)) changed.add(k);
  }
  const wholeChanged = changed.size > 0 || oldFinal !== norm.trajectory.finalAnswer;
  return kept.filter((it) => (it.steps.length === 0 ? wholeChanged : it.steps.some((k) => changed.has(k)))).map((it) => it.id);
}

/**
 * Replaces a stored trajectory in place (same pk), keeping every human label: labels belong to items,
 * and an item of the new content with the same criterion and step set keeps its id, version and
 * history (and its queue entries); a judgment of the same judge on a kept item keeps its id. A labelled
 * item that the new content no longer judges stays with a person's judgment (no judge score) when its
 * criterion and steps still exist; otherwise the replacement is refused, since it would orphan labels.
 * A kept item whose steps change (text or model; any step for a whole-trajectory item) gets a new
 * version and content revision: its labels read as made on earlier content, and a labeller who saw
 * the old content gets a 409.
 */
async function replaceTrajectory(client: pg.PoolClient, pk: number, norm: NormalizedLine, deltas: RollupDeltas): Promise<void> {
  // Locked first, so that no label lands on it while it is compared and replaced.
  const old = await client.query<{ final_answer: string | null }>('SELECT final_answer FROM trajectories WHERE pk = $1 FOR UPDATE', [pk]);
  const oldFinal = old.rows[0]!.final_answer;
  const oldItems = await client.query<{ id: number; criterion_id: string; steps: number[]; labelled: boolean }>(
    `SELECT i.id, i.criterion_id, i.steps, EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id) AS labelled
       FROM items i WHERE i.trajectory_pk = $1 ORDER BY i.id`,
    [pk],
  );
  const oldJudgments = await client.query<{ id: number; item_id: number; judge: string | null }>(
    'SELECT id, item_id, judge FROM judgments WHERE trajectory_pk = $1 ORDER BY position',
    [pk],
  );

  // The items of the new content: those its judgments name (meta.routelens restores nothing here).
  const lineItems = new Map<string, number>();
  for (const j of norm.judgments) lineItems.set(itemKey(norm.items[j.item]!.criterionId, norm.items[j.item]!.steps), j.item);
  const criteria = new Set(norm.rubric?.criteria.map((c) => c.id) ?? []);
  const itemIds: (number | undefined)[] = norm.items.map(() => undefined);
  const kept: { id: number; steps: number[] }[] = [];
  const personOnly: number[] = [];
  const dropped: number[] = [];
  for (const it of oldItems.rows) {
    const k = lineItems.get(itemKey(it.criterion_id, it.steps));
    if (k !== undefined) {
      itemIds[k] = it.id;
      kept.push(it);
    } else if (!it.labelled) {
      dropped.push(it.id);
    } else if (criteria.has(it.criterion_id) && it.steps.every((s) => s < norm.steps.length)) {
      personOnly.push(it.id);
      kept.push(it);
    } else {
      throw new LineConflict(
        '/judgments',
        `trajectory "${norm.trajectory.id}" has human labels on item ${it.id} (criterion "${it.criterion_id}", steps [${it.steps.join(', ')}]) that the new content has no place for; replacing it would lose them`,
      );
    }
  }
  const newContent = await itemsWithNewContent(client, pk, norm, oldFinal, kept);

  // Judgments: the same judge on a kept item keeps its judgment's id; a labelled item with no judge
  // left keeps its first judgment as a person's.
  const oldByJudge = new Map<string, number[]>();
  const firstOfItem = new Map<number, number>();
  for (const j of oldJudgments.rows) {
    const key = JSON.stringify([j.item_id, j.judge]);
    oldByJudge.set(key, [...(oldByJudge.get(key) ?? []), j.id]);
    if (!firstOfItem.has(j.item_id)) firstOfItem.set(j.item_id, j.id);
  }
  const freshItems = norm.items.map((_, i) => i).filter((i) => itemIds[i] === undefined && [...lineItems.values()].includes(i));
  if (freshItems.length) {
    const [ids] = (await drawIds(client, [['items', 'id', freshItems.length]])) as [number[]];
    freshItems.forEach((i, n) => (itemIds[i] = ids[n]!));
  }
  const updated: { id: number; j: JudgmentRow }[] = [];
  const fresh: JudgmentRow[] = [];
  for (const j of norm.judgments) {
    const list = oldByJudge.get(JSON.stringify([itemIds[j.item], j.judge]));
    const id = list?.shift();
    if (id !== undefined) updated.push({ id, j });
    else fresh.push(j);
  }
  const personJudgments = personOnly.map((itemId) => firstOfItem.get(itemId)!);
  const keepJudgments = [...updated.map((u) => u.id), ...personJudgments];

  // The old contribution leaves the rollups (only now: a refusal above must leave the deltas alone),
  // the new one comes in. The new figures are the judge's; storeBatch folds kept labels in afterwards
  // (recomputeTrajectory).
  await addStoredToRollups(client, [pk], deltas, -1);
  await deleteStoredRouting(client, [pk]);
  addToRollups(deltas, norm, 1);

  await client.query('DELETE FROM steps WHERE trajectory_pk = $1', [pk]);
  if (dropped.length) await client.query('DELETE FROM items WHERE id = ANY($1::int[])', [dropped]);
  await client.query('DELETE FROM judgments WHERE trajectory_pk = $1 AND NOT (id = ANY($2::int[]))', [pk, keepJudgments]);
  // Park the kept judgments out of the way of the positions about to be written.
  await client.query('UPDATE judgments SET position = -1 - position WHERE trajectory_pk = $1', [pk]);
  if (freshItems.length) {
    await client.query(
      `INSERT INTO items (id, trajectory_pk, criterion_id, steps)
       SELECT x.id, $1, x.criterion_id, x.steps::int[] FROM unnest($2::int[], $3::text[], $4::text[]) AS x(id, criterion_id, steps)`,
      [pk, freshItems.map((i) => itemIds[i]), freshItems.map((i) => norm.items[i]!.criterionId), freshItems.map((i) => copyIntArray(norm.items[i]!.steps))],
    );
  }
  if (updated.length) {
    await client.query(
      `UPDATE judgments j SET position = x.position, item_id = x.item_id, criterion_id = x.criterion_id, steps = x.steps::int[],
              judge_score = x.judge_score, rationale = x.rationale, judge = x.judge
         FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[])
              AS x(id, position, item_id, criterion_id, steps, judge_score, rationale, judge)
        WHERE j.id = x.id`,
      [
        updated.map((u) => u.id),
        updated.map((u) => u.j.position),
        updated.map((u) => itemIds[u.j.item]),
        updated.map((u) => u.j.criterionId),
        updated.map((u) => copyIntArray(u.j.steps)),
        updated.map((u) => u.j.judgeScore),
        updated.map((u) => u.j.rationale),
        updated.map((u) => u.j.judge),
      ],
    );
  }
  if (personJudgments.length) {
    await client.query(
      `UPDATE judgments j SET position = x.position, judge_score = NULL, rationale = NULL, judge = NULL
         FROM unnest($1::int[], $2::int[]) AS x(id, position) WHERE j.id = x.id`,
      [personJudgments, personJudgments.map((_, n) => norm.judgments.length + n)],
    );
  }
  if (fresh.length)
    await copyRows(
      client,
      'judgments',
      JUDGMENT_COLUMNS,
      fresh.map((j) => judgmentCopyRow(pk, itemIds[j.item]!, j)),
    );
  if (newContent.length) {
    await client.query('UPDATE items SET version = version + 1, content_revision = content_revision + 1 WHERE id = ANY($1::int[])', [newContent]);
  }

  const t = norm.trajectory;
  await client.query(
    `UPDATE trajectories SET run_id = $2, query_id = $3, rubric_id = $4, benchmark = $5, correct = $6, final_answer = $7,
            meta = $8::json, model_ids = $9, models_used = $10, step_count = $11, tokens_in = $12, tokens_out = $13,
            cost_usd = $14, all_largest_usd = $15, savings = $16, process_score = $17, reward = $18, content_hash = $19,
            training_step = $20, training_group = $21, training_group_given = $22, updated_at = now()
      WHERE pk = $1`,
    [
      pk,
      t.runId,
      t.queryId,
      t.rubricId,
      t.benchmark,
      t.correct,
      t.finalAnswer,
      t.meta,
      t.modelIds,
      t.modelsUsed,
      t.stepCount,
      t.tokensIn,
      t.tokensOut,
      t.costUsd,
      t.allLargestUsd,
      t.savings,
      t.processScore,
      t.reward,
      t.hash,
      t.trainingStep,
      t.trainingGroup,
      norm.trainingGroupGiven,
    ],
  );
}

export async function storeBatch(client: pg.PoolClient, lines: BatchLine[], opts: { replace: boolean }): Promise<LineOutcome[]> {
  // JIT off for this transaction: its statements each touch one batch, but the planner's estimates
  // for unnest and for small tables never analyzed (judges, taken for 1,130 rows) put some over
  // jit_above_cost, where compiling costs more than running them (the judge figures of 1,000 lines:
  // 180 ms of JIT for 12 ms of work).
  await client.query("SELECT pg_advisory_xact_lock($1), set_config('jit', 'off', true)", [INGEST_LOCK]);
  const loaded = await loadStored(client, lines);
  const dims = loaded.dims;
  const groups = loaded.groups;
  const stored = new Map(loaded.stored.map((r) => [r.id, r]));

  const outcomes: LineOutcome[] = [];
  const fresh: Dims = { models: new Map(), runs: new Map(), queries: new Map(), rubrics: new Map() };
  const toInsert: BatchLine[] = [];
  const toReplace: { pk: number; line: BatchLine }[] = [];
  for (const line of lines) {
    const t = line.norm.trajectory;
    try {
      checkDims(line.norm, dims);
      const prev = stored.get(t.id);
      if (prev && prev.content_hash === t.hash) {
        outcomes.push({ lineNo: line.lineNo, id: t.id, outcome: 'unchanged' });
        continue;
      }
      if (prev && !opts.replace) {
        throw new LineConflict('/id', `trajectory "${t.id}" is already stored with different content; ingest with replace to replace it`);
      }
      const replacing = prev && prev.training_group !== null ? groupKey(prev.run_id, prev.training_group) : null;
      const conflict = groupConflict(line.norm, groups, replacing);
      if (conflict) throw new LineConflict(conflict.path, conflict.message);
      noteGroup(line.norm, groups, replacing);
      addDims(line.norm, dims, fresh);
      if (prev) toReplace.push({ pk: prev.pk, line });
      else toInsert.push(line);
      outcomes.push({ lineNo: line.lineNo, id: t.id, outcome: prev ? 'replaced' : 'stored' });
    } catch (e) {
      if (!(e instanceof LineConflict)) throw e;
      outcomes.push({ lineNo: line.lineNo, id: t.id, outcome: 'failed', path: e.path, message: e.message });
    }
  }

  await insertDims(client, fresh);
  // Before any trajectory row is locked: adding a judge waits for the changes in flight (JUDGES_LOCK).
  await addJudges(client, judgeNames([...toInsert, ...toReplace.map((r) => r.line)].map((l) => l.norm.judgeFigures)));
  const deltas = new RollupDeltas();

  const itemCount = toInsert.reduce((n, l) => n + l.norm.items.length, 0);
  const [pks, itemIdPool] = toInsert.length
    ? ((await drawIds(client, [
        ['trajectories', 'pk', toInsert.length],
        ['items', 'id', itemCount],
      ])) as [number[], number[]])
    : [[], []];
  let nextItem = 0;
  const inserts: StoredLine[] = toInsert.map((line, i) => ({ pk: pks[i]!, itemIds: line.norm.items.map(() => itemIdPool[nextItem++]!), norm: line.norm }));

  for (const { pk, line } of toReplace) {
    try {
      await client.query('SAVEPOINT replace_line');
      await replaceTrajectory(client, pk, line.norm, deltas);
      await client.query('RELEASE SAVEPOINT replace_line');
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT replace_line');
      if (!(e instanceof LineConflict)) throw e;
      const i = outcomes.findIndex((o) => o.lineNo === line.lineNo);
      outcomes[i] = { lineNo: line.lineNo, id: line.norm.trajectory.id, outcome: 'failed', path: e.path, message: e.message };
    }
  }
  const replaced = toReplace.filter(({ line }) => outcomes.find((o) => o.lineNo === line.lineNo)?.outcome === 'replaced');

  if (inserts.length) await copyRows(client, 'trajectories', TRAJECTORY_COLUMNS, trajectoryCopyRows(inserts));
  const withSteps = [...inserts, ...replaced.map(({ pk, line }) => ({ pk, norm: line.norm }))];
  if (withSteps.length) await copyRows(client, 'steps', STEP_COLUMNS, stepCopyRows(withSteps));
  if (itemCount > 0) {
    await copyRows(client, 'items', ITEM_COLUMNS, itemCopyRows(inserts));
    await copyRows(client, 'judgments', JUDGMENT_COLUMNS, judgmentCopyRows(inserts));
  }
  // The judge figures go out as one statement, and while the server runs it, this builds what comes
  // next (the routing rows, the new trajectories' rollup deltas): the server does not wait on Node.
  const judgeWrite = writeJudgeFigures(
    client,
    withSteps.map((t) => ({ pk: t.pk, figures: t.norm.judgeFigures })),
  );
  let routing: ReturnType<typeof routingCopyData>;
  try {
    routing = routingCopyData(withSteps.map(({ pk, norm }) => ({ pk, routing: norm.routing })));
    for (const { norm } of inserts) addToRollups(deltas, norm, 1);
  } finally {
    await judgeWrite;
  }
  await copyRoutingData(client, routing);
  await restoreLabels(client, inserts);
  // New trajectories that came with labels count in agreement (those without have no part).
  await syncAgreement(
    client,
    inserts.filter((l) => l.norm.restored.labels.length > 0).map((l) => l.pk),
    deltas.agreement,
  );
  await deltas.apply(client);
  // Replaced trajectories that kept human labels: fold the labels into their stored figures.
  for (const { pk } of replaced) await recomputeTrajectory(client, pk);
  await recordIngestEvents(client, [...inserts.map((i) => i.norm), ...replaced.map((r) => r.line.norm)]);
  return outcomes;
}
