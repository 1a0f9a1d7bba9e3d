// Stores a batch of validated lines in one transaction. Decisions (new, unchanged, conflicting,
// replaced) are taken under an advisory lock against what is stored, line by line in file order, so
// the first definition of a model, run, query or rubric stands and a line that contradicts it stores
// nothing. The writes are set-based: COPY for trajectories, steps and judgments, unnest for the rest.
import type pg from 'pg';
import { copyIntArray, copyNumber, copyRows, copyText, copyTextArray } from './copy';
import type { CriterionRow, JudgmentRow, ModelRow, NormalizedLine, QueryRow, RubricRow, RunRow } from './normalize';
import { addStoredToRollups, RollupDeltas, type ModelDelta } from '@/lib/db/rollups';
import { recomputeTrajectory } from '@/lib/db/derived';
import { copyRouting, deleteStoredRouting } from '@/lib/db/routing-rollups';

export interface BatchLine {
  lineNo: number;
  norm: NormalizedLine;
}

export type LineOutcome =
  | { lineNo: number; id: string; outcome: 'stored' | 'unchanged' | 'replaced' }
  | { lineNo: number; id: string; outcome: 'failed'; path: string; message: string };

const INGEST_LOCK = 7_262_001;

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

async function loadStored(client: pg.PoolClient, lines: BatchLine[]): Promise<{ dims: Dims; stored: { pk: number; id: string; content_hash: string }[] }> {
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
  const r = await client.query<{ models: Row[] | null; runs: Row[] | null; queries: Row[] | null; rubrics: Row[] | null; criteria: Row[] | null; trajectories: Row[] | null }>(
    `SELECT
       (SELECT json_agg(m) FROM (SELECT id, params_b, usd_per_mtok_in, usd_per_mtok_out, content_hash FROM models WHERE id = ANY($1::text[])) m) AS models,
       (SELECT json_agg(r) FROM (SELECT id, policy, meta::text AS meta, content_hash FROM runs WHERE id = ANY($2::text[])) r) AS runs,
       (SELECT json_agg(q) FROM (SELECT id, benchmark, text, reference_answer, content_hash FROM queries WHERE id = ANY($3::text[])) q) AS queries,
       (SELECT json_agg(b) FROM (SELECT id, generator, content_hash FROM rubrics WHERE id = ANY($4::text[])) b) AS rubrics,
       (SELECT json_agg(c ORDER BY c.rubric_id, c.position) FROM (
          SELECT rubric_id, id, position, text, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = ANY($4::text[])) c) AS criteria,
       (SELECT json_agg(t) FROM (SELECT pk, id, content_hash FROM trajectories WHERE id = ANY($5::text[])) t) AS trajectories`,
    [[...modelIds], [...runIds], [...queryIds], [...rubricIds], lines.map((l) => l.norm.trajectory.id)],
  );
  const row = r.rows[0]!;
  const models = { rows: (row.models ?? []) as { id: string; params_b: number | null; usd_per_mtok_in: number; usd_per_mtok_out: number; content_hash: string }[] };
  const runs = { rows: (row.runs ?? []) as { id: string; policy: string | null; meta: string | null; content_hash: string }[] };
  const queries = { rows: (row.queries ?? []) as { id: string; benchmark: string | null; text: string; reference_answer: string | null; content_hash: string }[] };
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
  const stored = (row.trajectories ?? []) as { pk: number; id: string; content_hash: string }[];
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
  return { dims, stored };
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
    await client.query(
      `INSERT INTO runs (id, policy, meta, content_hash) SELECT * FROM unnest($1::text[], $2::text[], $3::json[], $4::text[])`,
      [runs.map((r) => r.id), runs.map((r) => r.policy), runs.map((r) => r.meta), runs.map((r) => r.hash)],
    );
  }
  const queries = [...fresh.queries.values()];
  if (queries.length) {
    await client.query(
      `INSERT INTO queries (id, benchmark, text, reference_answer, content_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [queries.map((q) => q.id), queries.map((q) => q.benchmark), queries.map((q) => q.text), queries.map((q) => q.referenceAnswer), queries.map((q) => q.hash)],
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
  'pk', 'id', 'run_id', 'query_id', 'rubric_id', 'benchmark', 'correct', 'final_answer', 'meta', 'model_ids', 'models_used',
  'step_count', 'tokens_in', 'tokens_out', 'cost_usd', 'all_largest_usd', 'savings', 'process_score', 'reward', 'content_hash', 'labelled',
] as const;
export const STEP_COLUMNS = ['trajectory_pk', 'index', 'model', 'text', 'tokens_in', 'tokens_out', 'latency_ms', 'router', 'given_cost_usd', 'cost_usd'] as const;
export const JUDGMENT_COLUMNS = ['trajectory_pk', 'position', 'criterion_id', 'steps', 'judge_score', 'rationale', 'judge'] as const;

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
    ].join('\t');
  }
}

export function* stepCopyRows(items: { pk: number; norm: NormalizedLine }[]): Generator<string> {
  for (const { pk, norm } of items) {
    for (const s of norm.steps) {
      yield `${pk}\t${s.index}\t${copyText(s.model)}\t${copyText(s.text)}\t${s.tokensIn}\t${s.tokensOut}\t${copyNumber(s.latencyMs)}\t${copyText(s.router)}\t${copyNumber(s.givenCostUsd)}\t${s.costUsd}`;
    }
  }
}

function judgmentCopyRow(pk: number, j: JudgmentRow): string {
  return `${pk}\t${j.position}\t${copyText(j.criterionId)}\t${copyIntArray(j.steps)}\t${copyNumber(j.judgeScore)}\t${copyText(j.rationale)}\t${copyText(j.judge)}`;
}

export function* judgmentCopyRows(items: { pk: number; norm: NormalizedLine }[]): Generator<string> {
  for (const { pk, norm } of items) {
    for (const j of norm.judgments) yield judgmentCopyRow(pk, j);
    for (const j of norm.restored.judgments) yield judgmentCopyRow(pk, j);
  }
}

/**
 * The human labels that an exported line carried in meta.routelens, written with their author and
 * time for trajectories new to the database. Label ids are drawn first so that a revert can name the
 * label it reverts in the same statement (labels are append-only: no later UPDATE may fix it).
 */
async function restoreLabels(client: pg.PoolClient, items: { pk: number; norm: NormalizedLine }[]): Promise<void> {
  const rows = items.flatMap(({ pk, norm }) => norm.restored.labels.map((l) => ({ pk, ...l })));
  if (rows.length === 0) return;
  const ids = (
    await client.query<{ id: number }>("SELECT nextval(pg_get_serial_sequence('labels', 'id'))::int AS id FROM generate_series(1, $1)", [rows.length])
  ).rows.map((r) => r.id);
  const key = (pk: number, position: number, version: number) => `${pk}:${position}:${version}`;
  const idOf = new Map(rows.map((r, i) => [key(r.pk, r.position, r.version), ids[i]!]));
  const inserted = await client.query(
    `INSERT INTO labels (id, judgment_id, version, score, rationale, author, created_at, revert_of_label_id)
     SELECT x.id, j.id, x.version, x.score, x.rationale, x.author, x.created_at::timestamptz, x.revert
       FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::int[])
            AS x(id, pk, position, version, score, rationale, author, created_at, revert)
       JOIN judgments j ON j.trajectory_pk = x.pk AND j.position = x.position`,
    [
      ids,
      rows.map((r) => r.pk),
      rows.map((r) => r.position),
      rows.map((r) => r.version),
      rows.map((r) => r.score),
      rows.map((r) => r.rationale),
      rows.map((r) => r.author),
      rows.map((r) => r.createdAt),
      rows.map((r) => (r.revertOfVersion === null ? null : (idOf.get(key(r.pk, r.position, r.revertOfVersion)) ?? null))),
    ],
  );
  if (inserted.rowCount !== rows.length) throw new Error(`restored ${inserted.rowCount} of ${rows.length} labels: a judgment is missing`);
  // A judgment's version is the version of its newest label (optimistic concurrency of relabels).
  await client.query(
    `UPDATE judgments j SET version = x.version
       FROM (SELECT pk, position, max(version) AS version FROM unnest($1::int[], $2::int[], $3::int[]) AS u(pk, position, version) GROUP BY pk, position) x
      WHERE j.trajectory_pk = x.pk AND j.position = x.position`,
    [rows.map((r) => r.pk), rows.map((r) => r.position), rows.map((r) => r.version)],
  );
}

export function addToRollups(deltas: RollupDeltas, norm: NormalizedLine, sign: 1 | -1): void {
  const t = norm.trajectory;
  deltas.addTrajectory(t.runId, t, sign);
  deltas.routing.add(t.runId, norm.routing, t.correct, sign);
  const perModel = new Map<string, ModelDelta>();
  for (const s of norm.steps) {
    let m = perModel.get(s.model);
    if (!m) perModel.set(s.model, (m = { trajectories: 1, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 }));
    m.steps++;
    m.tokensIn += s.tokensIn;
    m.tokensOut += s.tokensOut;
    m.costUsd += s.costUsd;
  }
  for (const [model, m] of perModel) deltas.addModel(t.runId, model, m, sign);
}

const judgmentKey = (criterion: string, steps: readonly number[]) => `${criterion}\u0000${[...steps].sort((a, b) => a - b).join(',')}`;

/**
 * Replaces a stored trajectory in place (same pk), keeping every human label: a labelled judgment is
 * matched to the new judgment of the same criterion and steps and keeps its id, version and history;
 * a labelled judgment with no match stays as a person's judgment (no judge score) when its criterion
 * and steps still exist, and otherwise the replacement is refused, since it would orphan labels.
 */
async function replaceTrajectory(client: pg.PoolClient, pk: number, norm: NormalizedLine, deltas: RollupDeltas): Promise<void> {
  // Locked first, so that no label lands on it while it is compared and replaced.
  await client.query('SELECT 1 FROM trajectories WHERE pk = $1 FOR UPDATE', [pk]);
  const judged = await client.query<{ id: number; criterion_id: string; steps: number[]; labelled: boolean }>(
    `SELECT j.id, j.criterion_id, j.steps, EXISTS (SELECT 1 FROM labels l WHERE l.judgment_id = j.id) AS labelled
       FROM judgments j WHERE j.trajectory_pk = $1 ORDER BY j.position`,
    [pk],
  );

  const criteria = new Set(norm.rubric?.criteria.map((c) => c.id) ?? []);
  const unmatchedNew = new Map<string, number[]>(); // key -> positions of new judgments not yet matched
  norm.judgments.forEach((j) => {
    const k = judgmentKey(j.criterionId, j.steps);
    const list = unmatchedNew.get(k) ?? [];
    list.push(j.position);
    unmatchedNew.set(k, list);
  });
  const matched = new Map<number, number>(); // new position -> kept judgment id
  const keptHuman: number[] = [];
  for (const j of judged.rows.filter((r) => r.labelled)) {
    const list = unmatchedNew.get(judgmentKey(j.criterion_id, j.steps));
    if (list && list.length > 0) {
      matched.set(list.shift()!, j.id);
    } else if (criteria.has(j.criterion_id) && j.steps.every((k) => k < norm.steps.length)) {
      keptHuman.push(j.id);
    } else {
      throw new LineConflict(
        '/judgments',
        `trajectory "${norm.trajectory.id}" has human labels on judgment ${j.id} (criterion "${j.criterion_id}", steps [${j.steps.join(', ')}]) that the new content has no place for; replacing it would lose them`,
      );
    }
  }

  // The old contribution leaves the rollups (only now: a refusal above must leave the deltas alone),
  // the new one comes in. The new figures are the judge's; storeBatch folds kept labels in afterwards
  // (recomputeTrajectory).
  await addStoredToRollups(client, [pk], deltas, -1);
  await deleteStoredRouting(client, [pk]);
  addToRollups(deltas, norm, 1);

  await client.query('DELETE FROM steps WHERE trajectory_pk = $1', [pk]);
  const keep = new Set([...matched.values(), ...keptHuman]);
  await client.query('DELETE FROM judgments WHERE trajectory_pk = $1 AND NOT (id = ANY($2::int[]))', [pk, [...keep]]);
  // Park the kept judgments out of the way of the positions about to be written.
  await client.query('UPDATE judgments SET position = -1 - position WHERE trajectory_pk = $1', [pk]);
  for (const j of norm.judgments) {
    const keptId = matched.get(j.position);
    if (keptId !== undefined) {
      await client.query('UPDATE judgments SET position = $2, judge_score = $3, rationale = $4, judge = $5 WHERE id = $1', [
        keptId,
        j.position,
        j.judgeScore,
        j.rationale,
        j.judge,
      ]);
    }
  }
  let next = norm.judgments.length;
  for (const id of keptHuman) {
    await client.query('UPDATE judgments SET position = $2, judge_score = NULL, rationale = NULL, judge = NULL WHERE id = $1', [id, next++]);
  }
  const fresh = norm.judgments.filter((j) => !matched.has(j.position));
  if (fresh.length) await copyRows(client, 'judgments', JUDGMENT_COLUMNS, fresh.map((j) => judgmentCopyRow(pk, j)));

  const t = norm.trajectory;
  await client.query(
    `UPDATE trajectories SET run_id = $2, query_id = $3, rubric_id = $4, benchmark = $5, correct = $6, final_answer = $7,
            meta = $8::json, model_ids = $9, models_used = $10, step_count = $11, tokens_in = $12, tokens_out = $13,
            cost_usd = $14, all_largest_usd = $15, savings = $16, process_score = $17, reward = $18, content_hash = $19,
            updated_at = now()
      WHERE pk = $1`,
    [pk, t.runId, t.queryId, t.rubricId, t.benchmark, t.correct, t.finalAnswer, t.meta, t.modelIds, t.modelsUsed, t.stepCount, t.tokensIn, t.tokensOut, t.costUsd, t.allLargestUsd, t.savings, t.processScore, t.reward, t.hash],
  );
}

export async function storeBatch(client: pg.PoolClient, lines: BatchLine[], opts: { replace: boolean }): Promise<LineOutcome[]> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
  const loaded = await loadStored(client, lines);
  const dims = loaded.dims;
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
  const deltas = new RollupDeltas();

  const pks = toInsert.length
    ? (
        await client.query<{ pk: number }>("SELECT nextval(pg_get_serial_sequence('trajectories', 'pk'))::int AS pk FROM generate_series(1, $1)", [
          toInsert.length,
        ])
      ).rows.map((r) => r.pk)
    : [];
  const inserts = toInsert.map((line, i) => ({ pk: pks[i]!, norm: line.norm }));

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
  await copyRouting(client, withSteps.map(({ pk, norm }) => ({ pk, routing: norm.routing })));
  if (inserts.some((i) => i.norm.judgments.length + i.norm.restored.judgments.length > 0)) {
    await copyRows(client, 'judgments', JUDGMENT_COLUMNS, judgmentCopyRows(inserts));
  }
  await restoreLabels(client, inserts);
  for (const { norm } of inserts) addToRollups(deltas, norm, 1);
  await deltas.apply(client);
  // Replaced trajectories that kept human labels: fold the labels into their stored figures.
  for (const { pk } of replaced) await recomputeTrajectory(client, pk);
  return outcomes;
}
