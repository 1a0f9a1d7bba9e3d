// Upgrade-in-place tests of a migration: build a database as the previous version left it, fill it
// the old way, apply the new migrations, check every row.
//
//   const old = await databaseBefore('20261201225500_timestamptz');   // migrations before that one
//   await old.client.query(`INSERT INTO runs (id, policy, meta) VALUES ('r', 'p', '{}')`);
//   expect(await old.migrate()).toEqual(['20261201225500_timestamptz', ...]);  // the rest, as `npm run db:migrate` does
//   expect((await old.client.query('SELECT ...')).rows).toEqual(...);
//   await old.drop();                                                     // in afterAll or finally
//
// - `before` names a folder of prisma/migrations (an unknown name throws, so a renamed migration
//   fails its test); every migration that sorts before it is applied, through lib/db/migrate.ts.
// - `client` is a plain pg.Client on the new database with the server's own TimeZone (not the app
//   pool's UTC): it writes as the old app did. `options.timezone` sets the database's zone first
//   (ALTER DATABASE ... SET timezone), for data written on a server that is not on UTC.
// - `migrate()` applies the remaining migrations and returns their names; `client` stays connected.
// - `url` is the database's URL, to point the app at it (process.env.DATABASE_URL = old.url).
// - The database lives on the test server (vitest's global setup) and is named routelens_up_*.
import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '@/lib/db/migrate';

export interface UpgradeDatabase {
  readonly url: string;
  readonly client: pg.Client;
  migrate(): Promise<string[]>;
  drop(): Promise<void>;
}

async function onAdmin(adminUrl: string, query: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

export async function databaseBefore(before: string, options: { timezone?: string } = {}): Promise<UpgradeDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `routelens_up_${crypto.randomBytes(5).toString('hex')}`;
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await onAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  const drop = () => onAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  let client: pg.Client | null = null;
  try {
    if (options.timezone) await onAdmin(url, `ALTER DATABASE "${name}" SET timezone = ${pg.escapeLiteral(options.timezone)}`);
    await applyMigrations(url, { before });
    client = new pg.Client({ connectionString: url });
    await client.connect();
  } catch (e) {
    await client?.end().catch(() => undefined);
    await drop();
    throw e;
  }
  const connected = client;
  return {
    url,
    client: connected,
    migrate: () => applyMigrations(url),
    async drop() {
      await connected.end().catch(() => undefined);
      await drop();
    },
  };
}
