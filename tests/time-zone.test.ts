// Times are instants: on a database whose zone is not UTC, a label made now is exported with the
// instant it was made, and the migration to timestamptz keeps every instant an older version stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { closePool, getPool } from '@/lib/db/pool';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';
import { call, signedIn } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { bytesOf, parseJsonl } from './helpers/export';
import { judgmentsOf, otherScore, storeSmallFixture } from './helpers/labels';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('timezone');
const TIMESTAMPTZ = '20261201225500_timestamptz';
const ZONE = 'Asia/Tokyo';

describe('on a database whose zone is Asia/Tokyo', () => {
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET timezone = '${ZONE}'`);
    await c.end();
    await closePool();
    await storeSmallFixture();
  });

  it('the app still talks UTC, and a label made now is exported with the instant it was made', async () => {
    const raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    expect((await raw.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!.tz).toBe(ZONE);
    await raw.end();
    expect((await getPool().query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!.tz).toBe('UTC');

    const ann = await signedIn('ann', 'annotator');
    const line = (await getPool().query<{ id: string }>('SELECT t.id FROM trajectories t JOIN judgments j ON j.trajectory_pk = t.pk LIMIT 1')).rows[0]!;
    const [j] = await judgmentsOf(line.id);
    const { POST } = await import('@/app/api/judgments/[id]/labels/route');
    const before = Date.now();
    const res = await call(POST, {
      method: 'POST',
      params: { id: String(j!.id) },
      body: { score: otherScore(j!, j!.judge_score), expected_version: j!.version },
      as: ann,
    });
    expect(res.status).toBe(201);
    const after = Date.now();

    const run = await startExport(parseExportRequest('labels', new URLSearchParams({ format: 'jsonl' })));
    const rows = parseJsonl((await bytesOf(run.chunks)).toString('utf8'));
    expect(rows).toHaveLength(1);
    const at = rows[0]!.created_at as string;
    expect(at).toMatch(/Z$/);
    // Stored to the millisecond: within the request's span, give or take the clock of the server.
    expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(at)).toBeLessThanOrEqual(after + 1000);

    // The traces export carries the same instant in meta.routelens.
    const traces = await startExport(parseExportRequest('traces', new URLSearchParams({ format: 'jsonl' })));
    const text = (await bytesOf(traces.chunks)).toString('utf8');
    expect(text).toContain(`"created_at":"${at}"`);
  });
});

describe('the migration to timestamptz, on a database an older version filled in Asia/Tokyo', () => {
  let old: UpgradeDatabase;
  // Every timestamp column, and what an instant it must hold after the upgrade.
  const COLUMNS = [
    ['runs', 'created_at'],
    ['trajectories', 'ingested_at'],
    ['trajectories', 'updated_at'],
    ['labels', 'created_at'],
    ['users', 'created_at'],
    ['users', 'disabled_at'],
    ['sessions', 'created_at'],
    ['sessions', 'expires_at'],
    ['api_keys', 'created_at'],
    ['api_keys', 'last_used_at'],
    ['api_keys', 'revoked_at'],
    ['annotation_queues', 'created_at'],
    ['queue_assignments', 'leased_until'],
    ['queue_assignments', 'done_at'],
  ] as const;
  const RESTORED_AT = '2026-01-02T03:04:05.678Z';
  let madeAt: number;

  beforeAll(async () => {
    old = await databaseBefore(TIMESTAMPTZ, { timezone: ZONE });
    const c = old.client;
    madeAt = Date.now();
    // Written as the previous version wrote them: times from the database's clock (now(),
    // DEFAULT CURRENT_TIMESTAMP) in the session's zone, restored labels as UTC wall-clock time.
    await c.query(`
      INSERT INTO runs (id, content_hash) VALUES ('r1', 'h');
      INSERT INTO queries (id, text, content_hash) VALUES ('q1', 'What is 2+2?', 'h');
      INSERT INTO trajectories (id, run_id, query_id, correct, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, reward, content_hash)
        VALUES ('t1', 'r1', 'q1', true, 1, 1, 1, 0.1, 0.2, 1, 'h');
      INSERT INTO judgments (trajectory_pk, position, criterion_id, judge_score, version) SELECT pk, 0, 'c1', 1, 3 FROM trajectories;
      INSERT INTO users (username, name, role, password_hash, disabled_at) VALUES ('ann', 'Ann', 'annotator', 'x', now());
      INSERT INTO labels (judgment_id, version, score, user_id, author) SELECT j.id, 1, 0, u.id, 'ann' FROM judgments j, users u;
      INSERT INTO labels (judgment_id, version, score, user_id, author) SELECT id, 2, 1, NULL, 'local' FROM judgments;
      INSERT INTO labels (judgment_id, version, score, user_id, author, created_at)
        SELECT id, 3, 0, NULL, 'restored-person', '${RESTORED_AT}'::timestamptz AT TIME ZONE 'UTC' FROM judgments;
      INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) SELECT 'tok', id, 'csrf', now() + make_interval(hours => 12) FROM users;
      INSERT INTO api_keys (user_id, name, prefix, key_hash, last_used_at, revoked_at) SELECT id, 'k', 'rl_abc', 'hash', now(), now() FROM users;
      INSERT INTO annotation_queues (name, filters, rule, rule_params) VALUES ('q', '{}', 'all', '{}');
      INSERT INTO queue_items (queue_id, judgment_id, position) SELECT q.id, j.id, 0 FROM annotation_queues q, judgments j;
      INSERT INTO queue_assignments (item_id, user_id, leased_until, done_at) SELECT i.id, u.id, now() + make_interval(secs => 300), now() FROM queue_items i, users u;
    `);
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('turns every timestamp column into timestamptz and keeps every instant', async () => {
    const c = old.client;
    const types = async () =>
      (
        await c.query<{ t: string; col: string; type: string }>(
          `SELECT table_name AS t, column_name AS col, data_type AS type FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`,
        )
      ).rows;
    expect((await types()).map((r) => [r.t, r.col]).sort()).toEqual(COLUMNS.map((x) => [...x]).sort());
    expect(new Set((await types()).map((r) => r.type))).toEqual(new Set(['timestamp without time zone']));

    expect(await old.migrate()).toContain(TIMESTAMPTZ);
    expect(new Set((await types()).map((r) => r.type))).toEqual(new Set(['timestamp with time zone']));

    // Every value the old version took from the clock is the instant it was written.
    for (const [table, column] of COLUMNS) {
      const rows = (
        await c.query<{ ms: number | null; restored: boolean }>(
          `SELECT (extract(epoch FROM "${column}") * 1000)::float8 AS ms,
                  ${table === 'labels' ? "author = 'restored-person'" : 'false'} AS restored
             FROM "${table}"`,
        )
      ).rows;
      expect(rows.length, `${table}.${column}`).toBeGreaterThan(0);
      for (const r of rows) {
        const expected = r.restored
          ? Date.parse(RESTORED_AT)
          : column === 'expires_at'
            ? madeAt + 12 * 3600_000
            : column === 'leased_until'
              ? madeAt + 300_000
              : madeAt;
        expect(Math.abs(Number(r.ms) - expected), `${table}.${column}`).toBeLessThan(60_000);
      }
    }
  });
});
