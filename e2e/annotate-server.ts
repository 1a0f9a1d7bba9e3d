// The app with sign-in ON for e2e/annotate.spec.ts (the shared e2e server runs with sign-in off): a
// fresh database with a few generated trajectories, an admin and an annotator with known passwords,
// and `next start` of the current build on the port given. Prints "READY <url>" when it serves;
// stops and drops its database on SIGTERM.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     npx tsx --conditions=react-server e2e/annotate-server.ts PORT
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { closePool } from '../lib/db/pool';
import { createTestDatabase, prepareTestServer } from '../lib/db/testing';
import { generateTraces } from '../lib/generate';
import { ingestStream } from '../lib/ingest/pipeline';
import { createUser } from '../lib/server/users';
import { assertLocalDatabase, waitForPort } from '../scripts/e2e-server';
import { buildIfNeeded, NEXT_BIN } from '../scripts/next-build';

export const E2E_USERS = {
  admin: { username: 'e2e-admin', password: 'e2e admin password', role: 'admin' as const },
  annotator: { username: 'e2e-annotator', password: 'e2e annotator password', role: 'annotator' as const },
};

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port < 1024) throw new Error('usage: annotate-server.ts PORT');
  assertLocalDatabase();
  const server = await prepareTestServer();
  const db = await createTestDatabase(server.adminUrl, server.template, 'e2eannotate');
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    await closePool().catch(() => undefined);
    await db.drop().catch(() => undefined);
    await server.stop();
  };
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  try {
    process.env.DATABASE_URL = db.url;
    const lines = [...generateTraces({ seed: 5, queries: 20, limit: 60 })].map((l) => Buffer.from(JSON.stringify(l) + '\n'));
    const s = await ingestStream(Readable.from(lines));
    if (s.failed > 0) throw new Error(`trajectories failed: ${JSON.stringify(s.errors)}`);
    for (const u of Object.values(E2E_USERS)) await createUser(u);
    await closePool();
    buildIfNeeded((l) => console.error(l));
    child = spawn(NEXT_BIN, ['start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      stdio: 'ignore',
      env: { ...process.env, DATABASE_URL: db.url, ROUTELENS_EMBEDDED: 'false', NEXT_TELEMETRY_DISABLED: '1', PORT: String(port) },
    });
    await waitForPort(port, child);
    console.log(`READY http://127.0.0.1:${port}`);
  } catch (e) {
    await stop();
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
