// Deleting runs and trajectories: DELETE /api/runs/{id}, DELETE /api/trajectories/{id} and
// npm run runs -- delete / delete-trajectories / rename / list. Without human labels everything only
// they use goes, in one transaction, every rollup equal to a recomputation afterwards; with labels the
// deletion is refused with 409 and changes nothing, unless with_labels=true — then the labels export is
// written to a file first and holds exactly the labels that were deleted.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, serializeLine, type TraceLine } from '@/lib/generate';
import { newQueueBodySchema } from '@/lib/schemas/queues';
import { addLabel } from '@/lib/server/labels';
import { createQueue } from '@/lib/server/queues';
import { LOCAL_ACTOR, type Actor } from '@/lib/server/auth';
import { createUser } from '@/lib/server/users';
import { call, json } from './helpers/api';
import { runCli } from './helpers/cli';
import { useTestDatabase } from './helpers/db';
import { parseJsonl } from './helpers/export';
import { expectRollupsExact } from './helpers/rollups';
import { ingestText } from './helpers/trace';
import { databaseBefore } from './helpers/upgrade';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('deletion');
const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-deleted-labels-'));
process.env.ROUTELENS_LABELS_BACKUP_DIR = backups;
afterAll(() => fs.rmSync(backups, { recursive: true, force: true }));

// Three runs over shared queries, and a fourth (`solo`) whose queries, rubrics and a model are its own.
const runs = DEMO_RUNS.map((r) => ({ ...r, id: `del-${r.id}` }));
const soloModel = { id: 'solo-model', params_b: 3, usd_per_mtok_in: 0.2, usd_per_mtok_out: 0.6 };
const lines: TraceLine[] = [
  ...generateTraces({ seed: 21, queries: 8, runs, trajectoriesPerQueryPerRun: 2, steps: { min: 2, max: 6 } }),
  ...[
    ...generateTraces({
      seed: 22,
      queries: 3,
      runs: [{ id: 'solo', policy: 'random', models: ['qwen3-1.7b', 'solo-model'] }],
      models: [{ id: 'qwen3-1.7b', params_b: 1.7, usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 }, soloModel],
      steps: { min: 2, max: 4 },
    }),
  ].map((l) => ({
    ...l,
    id: `solo/${l.id}`,
    query: { ...l.query, id: `solo-${l.query.id}` },
    rubric: l.rubric && { ...l.rubric, id: `solo-${l.rubric.id}` },
  })),
];
const [labelledRun, plainRun, otherRun] = runs.map((r) => r.id) as [string, string, string];

let annotator: Actor;

async function tableState(): Promise<Record<string, string>> {
  const tables = (
    await db
      .pool()
      .query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
      )
  ).rows.map((r) => r.table_name);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await db
      .pool()
      .query<{ n: number; digest: string | null }>(`SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS digest FROM "${t}" x`);
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.digest}`;
  }
  return out;
}

async function count(sqlText: string, params: unknown[] = []): Promise<number> {
  return (await db.pool().query<{ n: number }>(sqlText, params)).rows[0]!.n;
}

async function labelSome(runId: string, n: number): Promise<number[]> {
  const js = await db.pool().query<{ id: number; judge_score: number; version: number }>(
    `SELECT j.id, j.judge_score, i.version FROM judgments j
       JOIN items i ON i.id = j.item_id
       JOIN trajectories t ON t.pk = j.trajectory_pk
       JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
      WHERE t.run_id = $1 AND c.kind = 'binary' ORDER BY j.id LIMIT $2`,
    [runId, n],
  );
  for (const j of js.rows) await addLabel(annotator, j.id, { score: 1 - j.judge_score, rationale: 'deletion test', expected_version: j.version });
  return js.rows.map((j) => j.id);
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  const s = await ingestText(lines.map(serializeLine).join('\n') + '\n');
  expect(s).toMatchObject({ stored: lines.length, failed: 0 });
  const u = await createUser({ username: 'del-annotator', role: 'annotator', password: 'correct horse battery' });
  annotator = { userId: u.id, username: 'del-annotator', name: 'del-annotator', role: 'annotator', via: 'session' };
  await labelSome(labelledRun, 12);
  // A queue over every run, so deletions must take their queue items with them.
  await createQueue(LOCAL_ACTOR, newQueueBodySchema.parse({ name: 'all of it', filters: {}, rule: { rule: 'all' } }));
  await expectRollupsExact();
}, 120_000);

describe('DELETE /api/runs/{id}', () => {
  it('deletes a run without labels and everything only it uses, in one go, rollups exact', async () => {
    const { DELETE } = await import('@/app/api/runs/[id]/route');
    const before = {
      trajectories: await count('SELECT count(*)::int AS n FROM trajectories WHERE run_id = $1', [plainRun]),
      steps: await count('SELECT count(*)::int AS n FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk WHERE t.run_id = $1', [plainRun]),
      judgments: await count('SELECT count(*)::int AS n FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk WHERE t.run_id = $1', [plainRun]),
      items: await count('SELECT count(*)::int AS n FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.run_id = $1', [plainRun]),
      queueItems: await count(
        'SELECT count(*)::int AS n FROM queue_items q JOIN items i ON i.id = q.item_id JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.run_id = $1',
        [plainRun],
      ),
      queries: await count('SELECT count(*)::int AS n FROM queries'),
    };
    expect(before.queueItems).toBeGreaterThan(0);
    const res = await call(DELETE, { method: 'DELETE', path: `/api/runs/${plainRun}`, params: { id: plainRun } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json<{ deleted: Record<string, number>; labels_export: unknown }>(res);
    expect(body).toEqual({
      deleted: {
        runs: 1,
        trajectories: before.trajectories,
        steps: before.steps,
        judgments: before.judgments,
        items: before.items,
        labels: 0,
        queue_items: before.queueItems,
        queries: 0,
        rubrics: 0,
        models: 1,
      },
      labels_export: null,
    });
    // qwen3-8b was the outcome-rl run's alone; the other models are the other runs' too.
    expect((await db.pool().query('SELECT id FROM models ORDER BY id')).rows.map((r) => r.id)).toEqual(['qwen3-1.7b', 'qwen3-32b', 'solo-model']);
    expect(await count('SELECT count(*)::int AS n FROM runs WHERE id = $1', [plainRun])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM trajectories WHERE run_id = $1', [plainRun])).toBe(0);
    // The queries are shared with the other runs: they stay.
    expect(await count('SELECT count(*)::int AS n FROM queries')).toBe(before.queries);
    await expectRollupsExact();
  });

  it('takes the queries, rubrics and models that only the run used', async () => {
    const { DELETE } = await import('@/app/api/runs/[id]/route');
    const res = await call(DELETE, { method: 'DELETE', path: '/api/runs/solo', params: { id: 'solo' } });
    expect(res.status).toBe(200);
    const body = await json<{ deleted: Record<string, number> }>(res);
    expect(body.deleted).toMatchObject({ runs: 1, trajectories: 3, queries: 3, rubrics: 3, models: 1 });
    expect(await count("SELECT count(*)::int AS n FROM models WHERE id = 'solo-model'")).toBe(0);
    expect(await count("SELECT count(*)::int AS n FROM models WHERE id = 'qwen3-1.7b'")).toBe(1);
    expect(await count("SELECT count(*)::int AS n FROM criteria WHERE rubric_id LIKE 'solo-%'")).toBe(0);
    await expectRollupsExact();
  });

  it('refuses a run with human labels with 409 that counts them, and changes nothing', async () => {
    const { DELETE } = await import('@/app/api/runs/[id]/route');
    const before = await tableState();
    for (const query of ['', '?with_labels=false', '?with_labels=true&with_labels=false', '?with_labels=']) {
      const res = await call(DELETE, { method: 'DELETE', path: `/api/runs/${labelledRun}${query}`, params: { id: labelledRun } });
      expect(res.status, query).toBe(409);
      const e = (await json<{ error: { code: string; message: string; details: Record<string, unknown> } }>(res)).error;
      expect(e.code).toBe('conflict');
      expect(e.message).toMatch(/carries 12 human labels on 12 items/);
      expect(e.details).toMatchObject({ labels: 12, items: 12, labels_export: `/api/exports/labels?format=jsonl&run=${labelledRun}` });
    }
    const bad = await call(DELETE, { method: 'DELETE', path: `/api/runs/${labelledRun}?with_labels=yes`, params: { id: labelledRun } });
    expect(bad.status).toBe(400);
    const missing = await call(DELETE, { method: 'DELETE', path: '/api/runs/nope', params: { id: 'nope' } });
    expect(missing.status).toBe(404);
    expect(await tableState()).toEqual(before);
    expect(fs.readdirSync(backups)).toEqual([]);
  });
});

describe('DELETE /api/trajectories/{id}', () => {
  it('deletes one trajectory of a run that stays, moving every rollup by its contribution', async () => {
    const { DELETE } = await import('@/app/api/trajectories/[id]/route');
    const id = (await db.pool().query<{ id: string }>('SELECT id FROM trajectories WHERE run_id = $1 AND NOT labelled ORDER BY pk LIMIT 1', [otherRun]))
      .rows[0]!.id;
    const res = await call(DELETE, { method: 'DELETE', path: `/api/trajectories/${encodeURIComponent(id)}`, params: { id } });
    expect(res.status).toBe(200);
    expect((await json<{ deleted: Record<string, number> }>(res)).deleted).toMatchObject({ runs: 0, trajectories: 1, labels: 0 });
    expect(await count('SELECT count(*)::int AS n FROM trajectories WHERE id = $1', [id])).toBe(0);
    await expectRollupsExact();
  });

  it('with with_labels=true, writes the labels export first, with exactly the labels it deletes', async () => {
    const { DELETE } = await import('@/app/api/trajectories/[id]/route');
    const t = (
      await db.pool().query<{ id: string; pk: number }>('SELECT id, pk FROM trajectories WHERE run_id = $1 AND labelled ORDER BY pk LIMIT 1', [labelledRun])
    ).rows[0]!;
    const labelIds = (
      await db.pool().query<{ id: number }>('SELECT l.id FROM labels l JOIN items i ON i.id = l.item_id WHERE i.trajectory_pk = $1 ORDER BY l.id', [t.pk])
    ).rows.map((r) => r.id);
    expect(labelIds.length).toBeGreaterThan(0);
    const refused = await call(DELETE, { method: 'DELETE', path: `/api/trajectories/${encodeURIComponent(t.id)}`, params: { id: t.id } });
    expect(refused.status).toBe(409);

    const res = await call(DELETE, { method: 'DELETE', path: `/api/trajectories/${encodeURIComponent(t.id)}?with_labels=true`, params: { id: t.id } });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json<{ deleted: Record<string, number>; labels_export: { file: string; labels: number; sha256: string } }>(res);
    expect(body.deleted).toMatchObject({ trajectories: 1, labels: labelIds.length });
    expect(path.dirname(body.labels_export.file)).toBe(backups);
    expect(body.labels_export.labels).toBe(labelIds.length);
    expect(sha256(body.labels_export.file)).toBe(body.labels_export.sha256);
    const rows = parseJsonl(fs.readFileSync(body.labels_export.file, 'utf8'));
    expect(rows.map((r) => r.label_id)).toEqual(labelIds);
    expect(rows.every((r) => r.trajectory_id === t.id && r.author === 'del-annotator')).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(`${body.labels_export.file}.manifest.json`, 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ kind: 'labels', rows: labelIds.length, trajectories: [t.id] });
    expect(await count('SELECT count(*)::int AS n FROM labels WHERE id = ANY($1::int[])', [labelIds])).toBe(0);
    await expectRollupsExact();
  });

  it('keeps the labels of everything else append-only', async () => {
    expect(await count('SELECT count(*)::int AS n FROM labels')).toBeGreaterThan(0);
    await expect(db.pool().query('DELETE FROM labels')).rejects.toThrow(/append-only/);
    await expect(db.pool().query('UPDATE labels SET score = score')).rejects.toThrow(/append-only/);
    // Not even in a transaction that says it deletes labels: an update of a label is never allowed.
    const c = await db.pool().connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('routelens.deleting_labels', 'on', true)");
      await expect(c.query('UPDATE labels SET score = score')).rejects.toThrow(/append-only/);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });
});

describe('npm run runs', () => {
  it('lists runs with their labels, renames one, and deletes it with its labels written first', async () => {
    const env = { DATABASE_URL: db.url, ROUTELENS_LABELS_BACKUP_DIR: backups };
    const listed = await runCli('runs.ts', ['list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(`${labelledRun}\t`))!;
    const labels = await count('SELECT count(*)::int AS n FROM labels');
    expect(row.split('\t')[4]).toBe(String(labels));

    const figures = async (run: string) =>
      (await db.pool().query('SELECT trajectories, correct, steps, sum_cost_usd FROM run_stats WHERE run_id = $1', [run])).rows[0];
    const was = await figures(labelledRun);
    const renamed = await runCli('runs.ts', ['rename', labelledRun, 'renamed-run'], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(await figures('renamed-run')).toEqual(was);
    expect(await count('SELECT count(*)::int AS n FROM runs WHERE id = $1', [labelledRun])).toBe(0);
    await expectRollupsExact();

    const refused = await runCli('runs.ts', ['delete', 'renamed-run'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/human labels .*nothing was deleted.*--with-labels/);
    const out = path.join(backups, 'by-hand.jsonl');
    const done = await runCli('runs.ts', ['delete', 'renamed-run', '--with-labels', '--labels-out', out], env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`the ${labels} labels are in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(parseJsonl(fs.readFileSync(out, 'utf8'))).toHaveLength(labels);
    expect(await count('SELECT count(*)::int AS n FROM labels')).toBe(0);
    await expectRollupsExact();

    const unknown = await runCli('runs.ts', ['delete', 'no-such-run'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/run "no-such-run" not found/);
  });

  it('deletes trajectories by id', async () => {
    const ids = (await db.pool().query<{ id: string }>('SELECT id FROM trajectories WHERE run_id = $1 ORDER BY pk LIMIT 2', [otherRun])).rows.map((r) => r.id);
    const r = await runCli('runs.ts', ['delete-trajectories', ...ids], { DATABASE_URL: db.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deleted 2 trajectories/);
    expect(await count('SELECT count(*)::int AS n FROM trajectories WHERE id = ANY($1::text[])', [ids])).toBe(0);
    await expectRollupsExact();
  });
});

describe('the labels_deletable_with_their_trajectories migration', () => {
  it('keeps every label, and labels stay append-only outside a deletion', async () => {
    const old = await databaseBefore('20261202010000_labels_deletable_with_their_trajectories');
    try {
      await old.client.query(`INSERT INTO runs (id, content_hash) VALUES ('r', 'h')`);
      await old.client.query(`INSERT INTO queries (id, text, content_hash) VALUES ('q', 'text', 'h')`);
      await old.client.query(
        `INSERT INTO trajectories (id, run_id, query_id, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, reward, content_hash)
         VALUES ('t', 'r', 'q', true, '{}', '{}', 0, 0, 0, 0, 0, 1, 'h')`,
      );
      await old.client.query(`INSERT INTO items (trajectory_pk, criterion_id, steps, version) SELECT pk, 'c1', '{}', 1 FROM trajectories`);
      await old.client.query(
        `INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, steps, judge_score) SELECT trajectory_pk, 0, id, 'c1', '{}', 1 FROM items`,
      );
      await old.client.query(`INSERT INTO labels (item_id, version, score, author) SELECT id, 1, 0, 'Ada' FROM items`);
      const before = (await old.client.query('SELECT * FROM labels')).rows;
      expect(await old.migrate()).toContain('20261202010000_labels_deletable_with_their_trajectories');
      expect((await old.client.query('SELECT * FROM labels')).rows).toEqual(before);
      await expect(old.client.query('DELETE FROM labels')).rejects.toThrow(/append-only/);
      await old.client.query('BEGIN');
      await old.client.query("SELECT set_config('routelens.deleting_labels', 'on', true)");
      expect((await old.client.query('DELETE FROM labels')).rowCount).toBe(1);
      await old.client.query('ROLLBACK');
      expect((await old.client.query('SELECT count(*)::int AS n FROM labels')).rows[0].n).toBe(1);
    } finally {
      await old.client.end();
      await old.drop();
    }
  });
});
