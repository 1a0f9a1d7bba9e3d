// One pg pool per process, shared by Prisma (through its pg driver adapter) and by the code that needs
// the driver itself: COPY, streamed reads and set-based writes. Cached on globalThis so that Next's
// development reloads do not open a new pool per edit.
import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;

// Counts and sums come back from PostgreSQL as int8/numeric, which pg leaves as strings. Every such
// figure of routelens is far below 2^53, so numbers are what callers want.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

type Globals = { __routelensPool?: pg.Pool; __routelensPoolUrl?: string; __routelensExportPool?: pg.Pool; __routelensExportPoolUrl?: string };
const g = globalThis as typeof globalThis & Globals;

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL?.trim();
  if (!url) {
    throw new Error('routelens: DATABASE_URL is not set. Start the app with `npm start` (it runs an embedded PostgreSQL) or set DATABASE_URL.');
  }
  return url;
}

/**
 * The URL with `-c TimeZone=UTC` added to its startup options, so that every session reads and
 * writes times in UTC whatever zone the server or database is set to (to_char, ::date, ::timestamp
 * of a timestamptz all follow the session's zone). Options already in the URL are kept.
 */
export function utcUrl(url: string): string {
  const u = new URL(url);
  const options = u.searchParams.get('options');
  u.searchParams.set('options', [options, '-c TimeZone=UTC'].filter(Boolean).join(' '));
  return u.toString();
}

export function poolConfig(url: string): pg.PoolConfig {
  return {
    connectionString: utcUrl(url),
    max: Number(process.env.ROUTELENS_DB_POOL_MAX ?? 10),
    // Fail fast while the database is unreachable instead of queueing requests forever.
    connectionTimeoutMillis: Number(process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS ?? 5000),
    idleTimeoutMillis: 30_000,
    types,
  };
}

export function getPool(): pg.Pool {
  const url = databaseUrl();
  if (!g.__routelensPool || g.__routelensPoolUrl !== url) {
    const pool = new pg.Pool(poolConfig(url));
    // An idle client that loses its server (a restart) must not crash the process.
    pool.on('error', (err) => console.error('routelens: idle database connection failed:', err.message));
    g.__routelensPool = pool;
    g.__routelensPoolUrl = url;
  }
  return g.__routelensPool;
}

/**
 * The connections that exports stream through, apart from the app's pool, so that slow downloads
 * cannot take the connections every other request needs. Its size is the most exports that run at
 * once in this process (ROUTELENS_EXPORTS_MAX, lib/server/exports.ts).
 */
export function getExportPool(): pg.Pool {
  const url = databaseUrl();
  if (!g.__routelensExportPool || g.__routelensExportPoolUrl !== url) {
    const pool = new pg.Pool({ ...poolConfig(url), max: Math.max(1, Number(process.env.ROUTELENS_EXPORTS_MAX ?? 4)) });
    pool.on('error', (err) => console.error('routelens: idle export connection failed:', err.message));
    g.__routelensExportPool = pool;
    g.__routelensExportPoolUrl = url;
  }
  return g.__routelensExportPool;
}

export async function closePool(): Promise<void> {
  const pools = [g.__routelensPool, g.__routelensExportPool];
  g.__routelensPool = undefined;
  g.__routelensPoolUrl = undefined;
  g.__routelensExportPool = undefined;
  g.__routelensExportPoolUrl = undefined;
  await Promise.all(pools.map((p) => p?.end()));
}

/** Runs fn in one transaction on one client of the pool (`begin` opens it: 'BEGIN READ ONLY' for a read). */
export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>, pool = getPool(), begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
