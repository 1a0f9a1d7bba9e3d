// Databases for tests: one template database per migration set, migrated once, and a fresh copy of it
// (CREATE DATABASE ... TEMPLATE, ~100 ms) for every test file that needs one. Runs against
// DATABASE_URL's server when it is set, else against an embedded PostgreSQL of its own under .data/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { EMBEDDED_TEST_DEFAULTS, startEmbedded } from './embedded';
import { applyMigrations, MIGRATIONS_DIR } from './migrate';

export interface TestServer {
  /** A URL of the server's maintenance database, for creating and dropping test databases. */
  adminUrl: string;
  template: string;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function migrationsFingerprint(): string {
  const h = crypto.createHash('sha256');
  for (const d of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    const f = path.join(MIGRATIONS_DIR, d, 'migration.sql');
    if (fs.existsSync(f)) h.update(d).update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 12);
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Set to 1 (or true, yes) to let tests, the e2e server and benchmarks use a server on another machine. */
export const ALLOW_REMOTE_SETTING = 'ROUTELENS_TEST_ALLOW_REMOTE_DB';

/** Whether a database URL names this machine: a loopback address or name, or a Unix socket. */
export function isLocalDatabaseUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('routelens: DATABASE_URL is not a URL (postgresql://user:password@host:5432/database)');
  }
  // libpq's ?host= wins over the URL's host; a path there is a Unix socket, which is local.
  const hosts = (u.searchParams.get('host') ?? decodeURIComponent(u.hostname)).split(',').map((h) =>
    h
      .trim()
      .replace(/^\[|\]$/g, '')
      .toLowerCase(),
  );
  return hosts.every((h) => h === '' || h.startsWith('/') || h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h));
}

/**
 * Tests create and drop databases on the server they are given: refuse one on another machine (a
 * colleague's or production's, reached by a DATABASE_URL left in the shell) unless the setting says so.
 */
export function assertLocalDatabase(url = process.env.DATABASE_URL, env: Record<string, string | undefined> = process.env): void {
  if (!url?.trim() || isLocalDatabaseUrl(url)) return;
  const allowed = /^(1|true|yes)$/i.test(env[ALLOW_REMOTE_SETTING]?.trim() ?? '');
  if (allowed) return;
  const host = new URL(url).searchParams.get('host') ?? new URL(url).hostname;
  throw new Error(
    `routelens: refusing to run tests against the database server at "${host}": they create and drop databases there. ` +
      `Point DATABASE_URL at a server on this machine, unset it (an embedded PostgreSQL of the tests' own is used), ` +
      `or set ${ALLOW_REMOTE_SETTING}=1 if that server is meant for it.`,
  );
}

/** Starts (or finds) the server for tests and makes sure the migrated template database exists. */
export async function prepareTestServer(): Promise<TestServer> {
  let adminUrl: string;
  let stop = async () => undefined as void;
  const external = process.env.DATABASE_URL?.trim();
  if (external) {
    assertLocalDatabase(external);
    adminUrl = external;
  } else {
    const inst = await startEmbedded({ dataDir: EMBEDDED_TEST_DEFAULTS.dataDir, port: EMBEDDED_TEST_DEFAULTS.port, database: 'postgres' });
    // Tests create and drop databases: the superuser of this test-only server.
    adminUrl = inst.adminUrl;
    stop = () => inst.stop();
  }
  const template = `routelens_tpl_${migrationsFingerprint()}`;
  const exists = await admin(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1);
  if (!exists) {
    const building = `${template}_${process.pid}`;
    await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${building}"`));
    await applyMigrations(withDatabase(adminUrl, building));
    await admin(adminUrl, async (c) => {
      // Another run may have finished the same template meanwhile; either copy is good.
      const again = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (again.rowCount === 0) await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      else await c.query(`DROP DATABASE "${building}"`);
    });
  }
  return { adminUrl, template, stop };
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string, template: string, label = 't'): Promise<TestDatabase> {
  const name = `routelens_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 20)
    .toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
