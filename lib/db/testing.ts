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

/** Starts (or finds) the server for tests and makes sure the migrated template database exists. */
export async function prepareTestServer(): Promise<TestServer> {
  let adminUrl: string;
  let stop = async () => undefined as void;
  const external = process.env.DATABASE_URL?.trim();
  if (external) {
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
  const name = `routelens_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20).toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
