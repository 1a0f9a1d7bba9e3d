// The app as the end-to-end tests and the replay benchmark see it: a fresh database copied from the
// migrated test template, the demo data and the special trajectories of e2e/special-traces.ts
// loaded into it, the production build (built when the sources changed), and Next on it as `npm start` serves it
// with sign-in off (the embedded single-user mode; signIn: sign-in on). Stops and drops the database on SIGINT/SIGTERM.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --conditions=react-server scripts/e2e-server.ts
//
// The database server must be local: the script creates and drops databases on it.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { loadDemoData } from '../lib/db/demo';
import { closePool } from '../lib/db/pool';
import { assertLocalDatabase, createTestDatabase, prepareTestServer, type TestDatabase, type TestServer } from '../lib/db/testing';
import { ingestStream } from '../lib/ingest/pipeline';
import { specialLines } from '../e2e/special-traces';
import { buildIfNeeded, holdBuild } from './next-build';

const ROOT = path.resolve(import.meta.dirname, '..');
export const E2E_PORT = 3100;
// A DATABASE_URL on another machine is refused (lib/db/testing.ts): this creates and drops databases there.
export { assertLocalDatabase } from '../lib/db/testing';

async function loadSpecialTrajectories(): Promise<void> {
  const lines = specialLines().map((l) => Buffer.from(JSON.stringify(l) + '\n'));
  const s = await ingestStream(Readable.from(lines));
  if (s.failed > 0) throw new Error(`routelens e2e: special trajectories failed: ${JSON.stringify(s.errors)}`);
}

export function waitForPort(port: number, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`next start exited with ${child.exitCode}`));
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        if (Date.now() > until) reject(new Error(`nothing listens on port ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

export interface E2EServer {
  baseUrl: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface E2EServerOptions {
  port?: number;
  log?: (line: string) => void;
  inheritOutput?: boolean;
  /** Sign-in on (ROUTELENS_AUTH=on) instead of the embedded single-user mode: every request must carry a key or a session. */
  signIn?: boolean;
  /** Gets the cleanup as soon as there is something to clean up, so a signal during startup can run it. */
  onStop?: (stop: () => Promise<void>) => void;
}

export async function startE2EServer(opts: E2EServerOptions = {}): Promise<E2EServer> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const port = opts.port ?? E2E_PORT;
  assertLocalDatabase();
  const server: TestServer = await prepareTestServer();
  let db: TestDatabase | null = null;
  let child: ChildProcess | null = null;
  let release = () => undefined as void;
  const cleanup = async () => {
    const running = (c: ChildProcess | null): c is ChildProcess => c !== null && c.exitCode === null && c.signalCode === null;
    if (running(child)) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (running(child)) child.kill('SIGKILL');
    }
    release();
    await closePool().catch(() => undefined);
    await db?.drop().catch((e: unknown) => log(`routelens e2e: could not drop ${db?.name}: ${(e as Error).message}`));
    await server.stop();
  };
  // One cleanup however many ask for it (a signal handler and a failed startup may both).
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= cleanup());
  opts.onStop?.(stop);
  try {
    db = await createTestDatabase(server.adminUrl, server.template, 'e2e');
    process.env.DATABASE_URL = db.url;
    const demo = await loadDemoData();
    await loadSpecialTrajectories();
    await closePool();
    log(`routelens e2e: database ${db.name} with ${demo.stored} demo trajectories and the special ones`);
    buildIfNeeded(log);
    release = holdBuild();
    // Served as npm start serves it (scripts/next-server.ts: Next behind a server that passes the socket address).
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/next-server.ts', String(port), '127.0.0.1'], {
      cwd: ROOT,
      stdio: opts.inheritOutput ? 'inherit' : 'ignore',
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        ROUTELENS_EMBEDDED: 'true',
        ROUTELENS_AUTH: opts.signIn ? 'on' : 'off',
        ROUTELENS_PEER_HEADER: '1',
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
      },
    });
    await waitForPort(port, child);
    return { baseUrl: `http://127.0.0.1:${port}`, databaseUrl: db.url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.E2E_PORT ?? E2E_PORT);
  // Handlers first: a signal while the data loads or the app builds must still drop the database.
  let stop: () => Promise<void> = async () => undefined;
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const app = await startE2EServer({ port, inheritOutput: true, onStop: (s) => (stop = s) });
  console.log(`routelens e2e: ${app.baseUrl}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
