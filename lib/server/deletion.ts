import 'server-only';
// Deleting a run, or some trajectories, in one transaction: their steps, judgments, queue items and
// routing rows, the dimensions that nothing else uses any more (queries, rubrics with their criteria,
// models; the run itself when it is a run that goes), with every rollup moved by the trajectories'
// stored contribution with sign -1 (lib/db/rollups.ts addStoredToRollups), as ingest moves it +1.
//
// Human labels are a person's work. Trajectories that carry any are refused (409, with the counts)
// unless the caller says withLabels; then the labels export of exactly those trajectories is written
// to a file first (fsynced, under ROUTELENS_LABELS_BACKUP_DIR unless a file is named), and only then
// are the labels deleted — the one place that may delete labels: the append-only trigger lets a
// DELETE through only in a transaction that set routelens.deleting_labels (see the migration
// labels_deletable_with_their_trajectories); an UPDATE of a label is always refused.
//
// Locks: the ingest lock (no ingest adds to what goes), then the trajectories and their items, in the
// order a relabel takes them, so a label being written either commits before (and is in the export)
// or waits and then fails.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fromPrismaTx, getPrisma, type SqlExecutor } from '@/lib/db/prisma';
import type { Prisma } from '@/lib/server/generated/prisma/client';
import { addStoredToRollups, RollupDeltas } from '@/lib/db/rollups';
import { INGEST_LOCK } from '@/lib/ingest/store';
import { startExport } from '@/lib/export/run';
import { ApiError, notFound } from './errors';
import { runKeyedTables } from './run-keyed-tables';
import { settings } from './settings';
import { sql } from './sql';

export interface DeletionCounts {
  runs: number;
  trajectories: number;
  steps: number;
  judgments: number;
  /** Items (criterion and step set of a trajectory) that the labels belong to. */
  items: number;
  labels: number;
  queue_items: number;
  queries: number;
  rubrics: number;
  models: number;
}

export interface LabelsBackup {
  /** Absolute path of the labels export (JSON Lines), with FILE.manifest.json beside it. */
  file: string;
  labels: number;
  sha256: string;
}

export interface DeletionResult {
  deleted: DeletionCounts;
  labels_export: LabelsBackup | null;
}

export interface DeletionOptions {
  /** Delete trajectories that carry human labels too, after writing their labels to a file. */
  withLabels?: boolean;
  /** Where the labels export goes; default a new file under ROUTELENS_LABELS_BACKUP_DIR. */
  labelsFile?: string;
  now?: Date;
}

type Selection = { run: string } | { trajectories: readonly string[] };

const DEADLOCK = '40P01';
/** A large run's deletion may take longer than Prisma's default 5 s for a transaction. */
const DELETION_TIMEOUT_MS = 10 * 60_000;

type Tx = Prisma.TransactionClient;

/** PostgreSQL ended the transaction for a deadlock: pg's code, or Prisma's for it (P2034, or P2010 of a raw query with 40P01). */
function isDeadlock(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null;
  return err?.code === DEADLOCK || err?.code === 'P2034' || err?.meta?.driverAdapterError?.cause?.originalCode === DEADLOCK;
}

const CHUNK = 10_000;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

async function selectedPks(tx: Tx, sel: Selection): Promise<number[]> {
  if ('run' in sel) {
    const run = await tx.$queryRaw<unknown[]>`SELECT 1 FROM runs WHERE id = ${sel.run} FOR UPDATE`;
    if (run.length === 0) throw notFound(`run "${sel.run}"`);
    return (await tx.trajectory.findMany({ where: { runId: sel.run }, select: { pk: true }, orderBy: { pk: 'asc' } })).map((r) => r.pk);
  }
  const found: { pk: number; id: string }[] = [];
  for (const c of chunks(sel.trajectories)) {
    found.push(...(await tx.trajectory.findMany({ where: { id: { in: c } }, select: { pk: true, id: true } })));
  }
  const have = new Set(found.map((r) => r.id));
  const missing = sel.trajectories.find((id) => !have.has(id));
  if (missing !== undefined) throw notFound(`trajectory "${missing}"`);
  return found.map((r) => r.pk).sort((a, b) => a - b);
}

async function lockItems(tx: Tx, pks: readonly number[]): Promise<void> {
  for (const c of chunks(pks)) await tx.$queryRaw(sql`SELECT id FROM items WHERE trajectory_pk = ANY(${c}::int[]) ORDER BY id FOR UPDATE`);
}

interface LabelCount {
  labels: number;
  items: number;
  trajectories: number;
}

async function countLabels(tx: Tx, pks: readonly number[]): Promise<LabelCount> {
  const total: LabelCount = { labels: 0, items: 0, trajectories: 0 };
  for (const c of chunks(pks)) {
    const [r] = await tx.$queryRaw<LabelCount[]>(
      sql`SELECT count(*)::int AS labels, count(DISTINCT l.item_id)::int AS items, count(DISTINCT i.trajectory_pk)::int AS trajectories
            FROM labels l JOIN items i ON i.id = l.item_id WHERE i.trajectory_pk = ANY(${c}::int[])`,
    );
    total.labels += r!.labels;
    total.items += r!.items;
    total.trajectories += r!.trajectories;
  }
  return total;
}

function describe(sel: Selection): string {
  return 'run' in sel
    ? `run "${sel.run}"`
    : sel.trajectories.length === 1
      ? `trajectory "${sel.trajectories[0]}"`
      : `these ${sel.trajectories.length} trajectories`;
}

function backupFile(sel: Selection, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const what = 'run' in sel ? `run-${sel.run}` : `${sel.trajectories.length}-trajectories`;
  // Ids may hold any character; the file name keeps the safe ones and a hash tells names apart.
  const safe = what.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const tag = crypto.createHash('sha256').update(what).digest('hex').slice(0, 8);
  return path.resolve(settings.labelsBackupDir, `${stamp}-${safe}-${tag}.labels.jsonl`);
}

/**
 * Writes the labels export of the selection to `file` (and FILE.manifest.json), fsynced, through the
 * export pipeline on its own connection: it sees what this transaction is about to delete, since the
 * locks it holds keep every new label out until it commits.
 */
async function writeLabelsExport(sel: Selection, file: string, now: Date): Promise<LabelsBackup> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const run = await startExport(
    {
      kind: 'labels',
      filter: 'run' in sel ? { run: sel.run } : {},
      trajectories: 'run' in sel ? undefined : [...sel.trajectories],
      settings: { format: 'jsonl', judge: null, lambda: 0.5, mu: 0.1, threshold: null, deltaP: 0.1, ratioC: 1.2, cap: null, unscored: 'zero' },
    },
    { now },
  );
  const hash = crypto.createHash('sha256');
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'wx');
  try {
    for await (const chunk of run.chunks) {
      hash.update(chunk);
      fs.writeSync(fd, chunk);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    await run.close();
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  fs.writeFileSync(
    `${file}.manifest.json`,
    JSON.stringify({ ...run.manifest, rows: run.rows(), reason: `labels of ${describe(sel)}, written before deleting it` }, null, 2) + '\n',
  );
  return { file, labels: run.rows(), sha256: hash.digest('hex') };
}

/** Deletes what only the deleted trajectories used; returns how many of each went. */
async function deleteUnused(tx: Tx, queries: string[], rubrics: string[], models: string[]): Promise<Pick<DeletionCounts, 'queries' | 'rubrics' | 'models'>> {
  const q = await tx.$executeRaw(
    sql`DELETE FROM queries q WHERE q.id = ANY(${queries}::text[]) AND NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.query_id = q.id)`,
  );
  const unusedRubrics = (
    await tx.$queryRaw<{ id: string }[]>(
      sql`SELECT r.id FROM rubrics r WHERE r.id = ANY(${rubrics}::text[]) AND NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.rubric_id = r.id)`,
    )
  ).map((r) => r.id);
  await tx.criterion.deleteMany({ where: { rubricId: { in: unusedRubrics } } });
  const r = await tx.rubric.deleteMany({ where: { id: { in: unusedRubrics } } });
  // A model is still used while any trajectory lists it (its price sets that trajectory's baseline);
  // models_used has an index that answers most of these, model_ids the rest.
  const m = await tx.$executeRaw(
    sql`DELETE FROM models m WHERE m.id = ANY(${models}::text[])
          AND NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.models_used @> ARRAY[m.id])
          AND NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.model_ids @> ARRAY[m.id])`,
  );
  return { queries: q, rubrics: r.count, models: m };
}

async function purge(sel: Selection, opts: DeletionOptions): Promise<DeletionResult> {
  const now = opts.now ?? new Date();
  return getPrisma().$transaction(
    async (tx) => {
      // The analytic SQL of lib/db (the rollups) runs on this transaction's connection through the adapter.
      const client: SqlExecutor = fromPrismaTx(tx);
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${INGEST_LOCK})`;
      const pks = await selectedPks(tx, sel);
      const deltas = new RollupDeltas();
      await addStoredToRollups(client, pks, deltas, -1); // locks the trajectories
      await lockItems(tx, pks);
      const labelled = await countLabels(tx, pks);
      if (labelled.labels > 0 && !opts.withLabels) {
        const exportUrl = 'run' in sel ? `/api/exports/labels?format=jsonl&run=${encodeURIComponent(sel.run)}` : null;
        throw new ApiError(
          'conflict',
          `${describe(sel)} carries ${labelled.labels} human label${labelled.labels === 1 ? '' : 's'} on ${labelled.items} item${labelled.items === 1 ? '' : 's'} of ${labelled.trajectories} trajector${labelled.trajectories === 1 ? 'y' : 'ies'}; nothing was deleted. Delete with with_labels=true to write them to a labels export file first and delete them too.`,
          { ...labelled, labels_export: exportUrl },
        );
      }

      const backup = labelled.labels > 0 ? await writeLabelsExport(sel, opts.labelsFile ? path.resolve(opts.labelsFile) : backupFile(sel, now), now) : null;
      if (backup && backup.labels !== labelled.labels) {
        throw new Error(`routelens: the labels export holds ${backup.labels} labels, ${labelled.labels} were counted; nothing was deleted`);
      }

      const counts: DeletionCounts = {
        runs: 0,
        trajectories: 0,
        steps: 0,
        judgments: 0,
        items: 0,
        labels: 0,
        queue_items: 0,
        queries: 0,
        rubrics: 0,
        models: 0,
      };
      const dims = { queries: new Set<string>(), rubrics: new Set<string>(), models: new Set<string>() };
      for (const c of chunks(pks)) {
        const d = await tx.trajectory.findMany({ where: { pk: { in: c } }, select: { queryId: true, rubricId: true, modelIds: true } });
        for (const t of d) {
          dims.queries.add(t.queryId);
          if (t.rubricId) dims.rubrics.add(t.rubricId);
          t.modelIds.forEach((m) => dims.models.add(m));
        }
        if (backup) {
          await tx.$executeRaw`SELECT set_config('routelens.deleting_labels', 'on', true)`;
          counts.labels += await tx.$executeRaw(sql`DELETE FROM labels l USING items i WHERE i.id = l.item_id AND i.trajectory_pk = ANY(${c}::int[])`);
          await tx.$executeRaw`SELECT set_config('routelens.deleting_labels', 'off', true)`;
        }
        counts.queue_items += await tx.$executeRaw(
          sql`DELETE FROM queue_items qi USING items i WHERE i.id = qi.item_id AND i.trajectory_pk = ANY(${c}::int[])`,
        );
        counts.judgments += (await tx.judgment.deleteMany({ where: { trajectoryPk: { in: c } } })).count;
        counts.items += (await tx.item.deleteMany({ where: { trajectoryPk: { in: c } } })).count;
        counts.steps += (await tx.step.deleteMany({ where: { trajectoryPk: { in: c } } })).count;
        counts.trajectories += (await tx.trajectory.deleteMany({ where: { pk: { in: c } } })).count;
      }
      await deltas.apply(client);
      if ('run' in sel) {
        // The run's own rollup rows go with it: by their foreign keys, and here those without one —
        // every table keyed by run_id, so that a rollup added later needs nothing of its own.
        for (const table of await runKeyedTables(tx)) await tx.$executeRaw(sql`DELETE FROM ${table} WHERE run_id = ${sel.run}`);
        counts.runs = (await tx.run.deleteMany({ where: { id: sel.run } })).count;
      }
      Object.assign(counts, await deleteUnused(tx, [...dims.queries], [...dims.rubrics], [...dims.models]));
      return { deleted: counts, labels_export: backup };
    },
    { timeout: DELETION_TIMEOUT_MS, maxWait: 10_000 },
  );
}

async function retried(sel: Selection, opts: DeletionOptions): Promise<DeletionResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await purge(sel, opts);
    } catch (e) {
      // A relabel that took its locks in the other order: PostgreSQL ended one of us; try again.
      if (attempt >= 3 || !isDeadlock(e)) throw e;
    }
  }
}

/** DELETE /api/runs/{id}, npm run runs -- delete ID. */
export function deleteRun(runId: string, opts: DeletionOptions = {}): Promise<DeletionResult> {
  return retried({ run: runId }, opts);
}

/** DELETE /api/trajectories/{id}, npm run runs -- delete-trajectories ID... */
export function deleteTrajectories(ids: readonly string[], opts: DeletionOptions = {}): Promise<DeletionResult> {
  if (ids.length === 0) throw new ApiError('bad_request', 'name at least one trajectory to delete');
  return retried({ trajectories: [...new Set(ids)] }, opts);
}
