// Data the benchmarks load, as a team's database would hold it: generated trace lines, with human
// labels on a share of the judgments (restored by ingest from meta.routelens, as an exported and
// re-imported file brings them), so that the label lookups of reads and exports run; generated lines
// loaded with COPY (copyLoad); and the read benchmark's dataset of 1M trajectories, which the routing
// benchmark measures too (loaded once when a run does both).
import { Readable } from 'node:stream';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import pg from 'pg';
import { rebuildAgreementCounts } from '@/lib/db/agreement-counts';
import { from as copyFrom } from 'pg-copy-streams';
import { RollupDeltas } from '@/lib/db/rollups';
import { ROUTING_COLUMNS, ROUTING_STEP_COLUMNS, routingCopyRow, routingStepsCopyRow } from '@/lib/db/routing-rollups';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { DEMO_RUNS, generateTraces, renderJsonl } from '@/lib/generate';
import { Rng } from '@/lib/generate/rng';
import type { JsonObject, RubricScale, TraceLine } from '@/lib/generate/trace-line';
import { normalizeLine, type NormalizedLine } from '@/lib/ingest/normalize';
import { ingestStream } from '@/lib/ingest/pipeline';
import {
  addToRollups,
  insertDims,
  ITEM_COLUMNS,
  itemCopyRows,
  JUDGMENT_COLUMNS,
  judgmentCopyRows,
  STEP_COLUMNS,
  stepCopyRows,
  TRAJECTORY_COLUMNS,
  trajectoryCopyRows,
  withItemIds,
  type Dims,
} from '@/lib/ingest/store';
import { ROUTELENS_META_KEY } from '@/lib/schemas/routelens-meta';

/** A score on the scale other than the judge's (a person disagreeing), or the judge's when none is. */
function otherScore(scale: RubricScale, judge: number, rng: Rng): number {
  const choices = scale.kind === 'binary' ? [0, 1] : scale.kind === 'ternary' ? [-1, 0, 1] : [scale.min, (scale.min + scale.max) / 2, scale.max];
  const others = choices.filter((c) => c !== judge);
  return others.length > 0 ? rng.pick(others) : judge;
}

export interface LabelledLines {
  lines: Generator<TraceLine>;
  /** Filled as the lines are drawn. */
  counts: { judgments: number; labelled: number; labels: number };
}

/**
 * Gives `share` of the judgments (seeded, 0..1) a human label — a quarter of those a second one by
 * another person — through meta.routelens, the way ingest restores labels.
 */
export function withHumanLabels(source: Iterable<TraceLine>, share: number, seed = 5): LabelledLines {
  const rng = new Rng(seed);
  const counts = { judgments: 0, labelled: 0, labels: 0 };
  const at = Date.UTC(2026, 10, 2, 9, 30);
  function* lines(): Generator<TraceLine> {
    for (const line of source) {
      const scales = new Map((line.rubric?.criteria ?? []).map((c) => [c.id, c.scale]));
      const restored: JsonObject[] = [];
      (line.judgments ?? []).forEach((j, index) => {
        counts.judgments++;
        const scale = scales.get(j.criterion);
        if (!scale || !rng.chance(share)) return;
        const first = otherScore(scale, j.score, rng);
        const labels: JsonObject[] = [
          {
            version: 1,
            score: first,
            author: 'bench-ann',
            created_at: new Date(at + counts.labelled * 1000).toISOString(),
            rationale: 'The judge missed the step.',
          },
        ];
        if (rng.chance(0.25))
          labels.push({
            version: 2,
            score: j.score,
            author: 'bench-cy',
            created_at: new Date(at + counts.labelled * 1000 + 500).toISOString(),
            rationale: null,
          });
        counts.labelled++;
        counts.labels += labels.length;
        restored.push({ index, criterion: j.criterion, steps: j.steps ?? [], labels });
      });
      if (restored.length > 0) line.meta = { ...(line.meta ?? {}), [ROUTELENS_META_KEY]: { judgments: restored } };
      yield line;
    }
  }
  return { lines: lines(), counts };
}

// ---------------------------------------------------------------- loading with COPY

/**
 * Loading takes the ingest pipeline's own rows (normalizeLine and the COPY row writers of
 * lib/ingest/store.ts and lib/db/routing-rollups.ts) and streams them through concurrent COPYs, with
 * foreign-key triggers off for the load (session_replication_role = replica: the generated rows are
 * consistent by construction) and nothing dropped or rebuilt. The run and routing rollups are summed
 * on the way and written at the end, as ingest would have left them; the training rollups (per group
 * and per step and model) are written batch by batch, as ingest writes them.
 */
interface CopySink {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** Buffers ahead (up to 64 MB) so that generation and PostgreSQL's COPY overlap. */
function openCopy(client: pg.ClientBase, table: string, columns: readonly string[]): CopySink {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  done.catch(() => undefined);
  return {
    async write(text) {
      stream.write(text);
      if (stream.writableLength > 64 << 20) await Promise.race([new Promise((r) => stream.once('drain', r)), done]);
    },
    async end() {
      stream.end();
      await done;
    },
  };
}

const join = (rows: Iterable<string>) => {
  let out = '';
  for (const r of rows) out += r + '\n';
  return out;
};

function remember<T>(id: string, value: T, seen: Map<string, T>, fresh: Map<string, T>): void {
  if (seen.has(id)) return;
  seen.set(id, value);
  fresh.set(id, value);
}

/** Collects the models, run, query and rubric of a line that no earlier line named. */
function freshDims(norm: NormalizedLine, seen: Dims, fresh: Dims): void {
  for (const m of norm.models) remember(m.id, m, seen.models, fresh.models);
  remember(norm.run.id, norm.run, seen.runs, fresh.runs);
  remember(norm.query.id, norm.query, seen.queries, fresh.queries);
  if (norm.rubric) remember(norm.rubric.id, norm.rubric, seen.rubrics, fresh.rubrics);
}

const emptyDims = (): Dims => ({ models: new Map(), runs: new Map(), queries: new Map(), rubrics: new Map() });

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("SET session_replication_role = 'replica'");
  await c.query('SET synchronous_commit = off');
  return c;
}

/** COPYs generated lines into an empty database of the current schema; returns the counts written. */
export async function copyLoad(
  url: string,
  source: Iterable<TraceLine>,
  log: (s: string) => void,
  opts: { batch?: number } = {},
): Promise<{ trajectories: number; steps: number }> {
  const batchSize = opts.batch ?? 250;
  const clients = await Promise.all(Array.from({ length: 7 }, () => connect(url)));
  const [dimsClient, tc, sc, jc, ic, rc, rsc] = clients as [pg.Client, pg.Client, pg.Client, pg.Client, pg.Client, pg.Client, pg.Client];
  const dims = dimsClient as unknown as pg.PoolClient;
  try {
    const trajectories = openCopy(tc, 'trajectories', TRAJECTORY_COLUMNS);
    const steps = openCopy(sc, 'steps', STEP_COLUMNS);
    const items = openCopy(ic, 'items', ITEM_COLUMNS);
    const judgments = openCopy(jc, 'judgments', JUDGMENT_COLUMNS);
    const routing = openCopy(rc, 'trajectory_routing', ROUTING_COLUMNS);
    const routingSteps = openCopy(rsc, 'trajectory_routing_steps', ROUTING_STEP_COLUMNS);
    let nextItem = 1;
    const seen = emptyDims();
    const deltas = new RollupDeltas();
    let batch: { pk: number; norm: NormalizedLine }[] = [];
    let fresh = emptyDims();
    let pk = 0;
    let stepCount = 0;
    const t0 = performance.now();
    const flush = async () => {
      await insertDims(dims, fresh);
      fresh = emptyDims();
      // Training rollups batch by batch (they hold every rollout until applied), before the group rows
      // of a later batch look for their reference.
      await deltas.training.apply(dims);
      const numbered = withItemIds(batch, nextItem);
      nextItem = numbered.next;
      await Promise.all([
        trajectories.write(join(trajectoryCopyRows(batch))),
        steps.write(join(stepCopyRows(batch))),
        items.write(join(itemCopyRows(numbered.lines))),
        judgments.write(join(judgmentCopyRows(numbered.lines))),
        routing.write(join(batch.map((b) => routingCopyRow(b.pk, b.norm.routing)))),
        routingSteps.write(join(batch.map((b) => routingStepsCopyRow(b.pk, b.norm.routing)))),
      ]);
      batch = [];
      await yieldToIo(); // let the sockets drain while the next batch is generated
    };
    for (const line of source) {
      const norm = normalizeLine(line as Parameters<typeof normalizeLine>[0]);
      freshDims(norm, seen, fresh);
      addToRollups(deltas, norm, 1);
      batch.push({ pk: ++pk, norm });
      stepCount += norm.steps.length;
      if (batch.length === batchSize) await flush();
      if (pk % 100_000 === 0) log(`  ${pk.toLocaleString('en')} trajectories generated (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await flush();
    await Promise.all([trajectories.end(), steps.end(), items.end(), judgments.end(), routing.end(), routingSteps.end()]);
    await dimsClient.query(`SELECT setval(pg_get_serial_sequence('trajectories', 'pk'), $1)`, [Math.max(pk, 1)]);
    await dimsClient.query(`SELECT setval(pg_get_serial_sequence('items', 'id'), $1)`, [nextItem]);
    await deltas.apply(dims);
    return { trajectories: pk, steps: stepCount };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

// ---------------------------------------------------------------- the read benchmark's dataset

/** 20 steps per trajectory; 20 samples of each query by each of the 3 demo runs. */
export const STEPS_PER_TRAJECTORY = 20;
const PER_QUERY = 20;
export const LONG_STEPS = 2_000;
export const LONG_RUN = 'bench-long';
const LONG_COUNT = 5;

/**
 * Human labels on 1% of the trajectories (a second person on half of those), as the label route
 * would write them. Each label repeats the judge's score, so the stored figures stay what they are
 * and only `labelled` and the versions move, exactly as recomputing would leave them.
 */
async function addLabels(client: pg.Pool | pg.ClientBase): Promise<void> {
  await client.query(`
    INSERT INTO labels (item_id, version, score, author)
    SELECT j.item_id, v.version, j.judge_score, v.author
      FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk
     CROSS JOIN (VALUES (1, 'bench-alice'), (2, 'bench-bob')) AS v(version, author)
     WHERE j.position = 0 AND t.pk % 100 = 0 AND (v.version = 1 OR t.pk % 200 = 0)`);
  await client.query(`
    UPDATE items i SET version = l.version
      FROM (SELECT item_id, max(version) AS version FROM labels GROUP BY item_id) l WHERE l.item_id = i.id`);
  await client.query(`UPDATE trajectories SET labelled = true WHERE pk IN (SELECT i.trajectory_pk FROM labels l JOIN items i ON i.id = l.item_id)`);
  // Written around the label route: the agreement counts are counted afresh.
  if (client instanceof pg.Pool) {
    const c = await client.connect();
    try {
      await rebuildAgreementCounts(c);
    } finally {
      c.release();
    }
  } else await rebuildAgreementCounts(client);
}

/** LONG_COUNT trajectories of 2,000 steps through the real ingest pipeline (their own run and queries). */
async function ingestLong(pool: pg.Pool): Promise<string[]> {
  const lines = [
    ...generateTraces({
      seed: 9,
      queries: LONG_COUNT,
      runs: [{ ...DEMO_RUNS[2]!, id: LONG_RUN }],
      steps: LONG_STEPS,
      judgmentsPerTrajectory: 60,
    }),
  ];
  const summary = await ingestStream(Readable.from([Buffer.from(renderJsonl(lines))]), { pool });
  if (summary.stored !== lines.length) throw new Error(`the long trajectories were not stored: ${JSON.stringify(summary.errors)}`);
  return lines.map((l) => l.id);
}

export interface ReadDataset {
  url: string;
  /** The 2,000-step trajectories. */
  longIds: string[];
  /** Seconds the load took (null: an existing database reused). */
  loadSeconds: number | null;
  /** Drops the database (unless kept or reused) and stops the server it is on. */
  release(): Promise<void>;
}

/**
 * The database a benchmark measures on: `reuse` names one already loaded (kept afterwards), otherwise a
 * new one from the test template, dropped by `release` unless `keep`. `release` also stops the server.
 */
export async function benchDatabase(
  prefix: string,
  label: string,
  opts: { log: (s: string) => void; reuse?: string; keep?: boolean },
): Promise<{ url: string; release: () => Promise<void> }> {
  const server = await prepareTestServer();
  let url: string;
  let drop = async () => undefined as void;
  if (opts.reuse) {
    const u = new URL(server.adminUrl);
    u.pathname = `/${opts.reuse}`;
    url = u.toString();
  } else {
    const db = await createTestDatabase(server.adminUrl, server.template, prefix);
    url = db.url;
    drop = db.drop;
    opts.log(`${label}: database ${db.name}`);
  }
  const release = async () => {
    if (opts.keep || opts.reuse) opts.log(`${label}: database kept: ${url}`);
    else await drop();
    await server.stop();
  };
  return { url, release };
}

/**
 * The read benchmark's database: n generated trajectories of 20 steps (3 demo runs), 1% of them
 * labelled, and LONG_COUNT 2,000-step ones through the ingest pipeline, vacuumed and analyzed.
 * `reuse` names an already loaded database instead; `keep` leaves the new one in place.
 */
export async function loadReadDataset(opts: { trajectories: number; log: (s: string) => void; reuse?: string; keep?: boolean }): Promise<ReadDataset> {
  const { log } = opts;
  const { url, release } = await benchDatabase('benchread', 'read dataset', opts);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    if (opts.reuse) {
      const longIds = (await pool.query<{ id: string }>(`SELECT id FROM trajectories WHERE run_id = $1 ORDER BY pk`, [LONG_RUN])).rows.map((r) => r.id);
      if (longIds.length === 0) throw new Error(`database ${opts.reuse} has no ${LONG_RUN} trajectory: load it first (--keep)`);
      return { url, longIds, loadSeconds: null, release };
    }
    const n = opts.trajectories;
    const t0 = performance.now();
    log(`read dataset: loading ${n.toLocaleString('en')} trajectories x ${STEPS_PER_TRAJECTORY} steps`);
    const queries = Math.ceil(n / (DEMO_RUNS.length * PER_QUERY));
    await copyLoad(url, generateTraces({ seed: 42, queries, trajectoriesPerQueryPerRun: PER_QUERY, steps: STEPS_PER_TRAJECTORY, limit: n }), log);
    await addLabels(pool);
    const longIds = await ingestLong(pool);
    log(`read dataset: loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s; VACUUM ANALYZE`);
    await pool.query('VACUUM (ANALYZE) trajectories');
    await pool.query('ANALYZE');
    const loadSeconds = (performance.now() - t0) / 1000;
    log(`read dataset: ready after ${loadSeconds.toFixed(0)} s`);
    return { url, longIds, loadSeconds, release };
  } catch (e) {
    await release().catch(() => undefined);
    throw e;
  } finally {
    await pool.end();
  }
}

/**
 * One read dataset per size for the whole `npm run bench` when shared (read and routing measure the
 * same 1M trajectories: loading them once saves minutes); releaseSharedDatasets drops them at the end.
 */
const shared = new Map<number, Promise<ReadDataset>>();

export async function readDataset(opts: {
  trajectories: number;
  log: (s: string) => void;
  share?: boolean;
  reuse?: string;
  keep?: boolean;
}): Promise<ReadDataset> {
  if (!opts.share || opts.reuse) return loadReadDataset(opts);
  let p = shared.get(opts.trajectories);
  if (!p) {
    p = loadReadDataset(opts);
    shared.set(opts.trajectories, p);
    p.catch(() => shared.delete(opts.trajectories));
  }
  const d = await p;
  // Each user's release leaves it for the next; releaseSharedDatasets drops it.
  return { ...d, loadSeconds: d.loadSeconds, release: async () => undefined };
}

export async function releaseSharedDatasets(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  for (const p of all) await (await p.catch(() => null))?.release();
}
