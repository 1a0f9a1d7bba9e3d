// The Python client's tests (clients/python/tests) against a real routelens: a fresh database copied
// from the migrated test template, an admin with an ingest key and a read key, the production build
// served as `npm start` serves it (sign-in on, loopback only), then `python3 -m unittest` with the
// server's address and the keys in ROUTELENS_TEST_URL, ROUTELENS_TEST_INGEST_KEY and
// ROUTELENS_TEST_READ_KEY. Bounded in time; stops the server and drops the database at the end, on
// failure and on SIGINT/SIGTERM. `npm test` runs it as its "python" step.
//
//   npx tsx --conditions=react-server scripts/python-tests.ts [--report FILE]
//
// The report (JSON) holds {"ran", "passed", "failed", "skipped", "skippedNames", "failedNames"} as unittest counted them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { closePool } from '../lib/db/pool';
import { createTestDatabase, prepareTestServer, type TestDatabase, type TestServer } from '../lib/db/testing';
import { createApiKey } from '../lib/server/api-keys';
import { randomPassword } from '../lib/server/passwords';
import { createUser } from '../lib/server/users';
import { assertLocalDatabase, waitForPort } from './e2e-server';
import { buildIfNeeded, holdBuild } from './next-build';
import { unittestCounts, type UnittestCounts } from './test-report';
import { freePort } from './free-port';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLIENT_DIR = path.join(ROOT, 'clients', 'python');
const NOTHING_RAN: UnittestCounts = { ran: 0, passed: 0, failed: 1, skipped: 0, skippedNames: [], failedNames: ['unittest did not report a run'] };
/** The whole unittest run may take this long; then it is stopped and counted as failed. */
const TESTS_TIMEOUT_MS = 10 * 60_000;

function runUnittest(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], {
      cwd: CLIENT_DIR,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (to: NodeJS.WriteStream) => (d: Buffer) => {
      output += d.toString();
      to.write(d);
    };
    child.stdout.on('data', take(process.stdout));
    child.stderr.on('data', take(process.stderr));
    const timer = setTimeout(() => {
      output += `\nroutelens: the Python tests did not finish within ${TESTS_TIMEOUT_MS / 60_000} minutes; stopped\n`;
      child.kill('SIGKILL');
    }, TESTS_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\nroutelens: could not run python3: ${e.message}\n` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function main(): Promise<number> {
  const reportAt = process.argv.indexOf('--report');
  const report = reportAt >= 0 ? process.argv[reportAt + 1] : undefined;
  const write = (c: UnittestCounts) => report && fs.writeFileSync(report, JSON.stringify(c));
  write(NOTHING_RAN);

  assertLocalDatabase();
  let server: TestServer | null = null;
  let db: TestDatabase | null = null;
  let app: ChildProcess | null = null;
  let release = () => undefined as void;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (app && app.exitCode === null && app.signalCode === null) {
        const exited = new Promise((r) => app!.once('exit', r));
        app.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
      }
      release();
      await closePool().catch(() => undefined);
      await db?.drop().catch((e: unknown) => console.error(`routelens: could not drop ${db?.name}: ${(e as Error).message}`));
      await server?.stop();
    })());
  const onSignal = () => void stop().finally(() => process.exit(1));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    server = await prepareTestServer();
    db = await createTestDatabase(server.adminUrl, server.template, 'python');
    process.env.DATABASE_URL = db.url;
    const admin = await createUser({ username: 'trainer', name: 'Trainer', role: 'admin', password: randomPassword() });
    const ingestKey = await createApiKey(admin.id, 'python client tests', 'ingest');
    const readKey = await createApiKey(admin.id, 'python client tests (reads)', 'read');
    await closePool();

    buildIfNeeded((l) => console.log(l));
    release = holdBuild();
    const port = await freePort();
    app = spawn(process.execPath, ['--import', 'tsx', 'scripts/next-server.ts', String(port), '127.0.0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        ROUTELENS_PEER_HEADER: '1',
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
      },
    });
    await waitForPort(port, app);
    console.log(`routelens: the Python client's tests against http://127.0.0.1:${port} (database ${db.name})`);

    const { code, output } = await runUnittest({
      ROUTELENS_TEST_URL: `http://127.0.0.1:${port}`,
      ROUTELENS_TEST_INGEST_KEY: ingestKey.key,
      ROUTELENS_TEST_READ_KEY: readKey.key,
    });
    const counts: UnittestCounts = unittestCounts(output) ?? { ...NOTHING_RAN };
    // A run that ended badly without saying which test failed (a crash, a timeout) is one failure.
    if (code !== 0 && counts.failed === 0) {
      counts.failed = 1;
      counts.failedNames = [`unittest exited ${code ?? 'on a signal'} and named no failed test`];
    }
    write(counts);
    return code === 0 && counts.failed === 0 && counts.ran > 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`routelens: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
