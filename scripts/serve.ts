// npm start — the dashboard in one command. Without DATABASE_URL it starts the embedded PostgreSQL
// under .data/, applies migrations, loads the demo traces the first time, builds the app when the
// sources changed since the last build, and serves it on http://localhost:3000 (PORT to change).
// With DATABASE_URL it does the same against that server, minus the demo data (npm run db:seed).
// `--dev` runs Next's development server instead of a production build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDatabase } from '../lib/db/resolve';
import { applyMigrations } from '../lib/db/migrate';
import { closePool } from '../lib/db/pool';
import { loadDemoData } from '../lib/db/demo';
import { ensureFirstAdmin } from '../lib/db/first-admin';
import { signInRequired } from '../lib/server/auth';
import { listenProblem, publicUrl } from '../lib/server/request-guard';
import { buildIfNeeded, holdBuild, NEXT_BIN as NEXT } from './next-build';

const ROOT = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST?.trim() || '127.0.0.1';
  // Settings are checked before anything starts: a bad one is an error, never a quiet default.
  const embedded = !process.env.DATABASE_URL?.trim();
  const problem = listenProblem(host, signInRequired(embedded));
  if (problem) throw new Error(problem);
  publicUrl();
  const db = await resolveDatabase((l) => console.log(l));
  process.env.DATABASE_URL = db.url;
  const applied = await applyMigrations(db.migrateUrl);
  if (applied.length) console.log(`routelens: applied migrations ${applied.join(', ')}`);

  const marker = path.join(ROOT, '.data', 'demo-loaded');
  if (db.embedded && !fs.existsSync(marker) && process.env.ROUTELENS_DEMO !== 'false') {
    console.log('routelens: loading the demo traces (first start only)...');
    const s = await loadDemoData();
    fs.writeFileSync(marker, new Date().toISOString());
    console.log(`routelens: demo traces stored: ${s.stored + s.unchanged} trajectories`);
  }
  await ensureFirstAdmin({ embedded: db.embedded, log: (l) => console.log(l), url: `http://localhost:${port}` });
  await closePool();

  if (!dev) buildIfNeeded();
  const release = dev ? () => undefined : holdBuild();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, ROUTELENS_EMBEDDED: db.embedded ? 'true' : 'false', NEXT_TELEMETRY_DISABLED: '1' };
  // Production runs Next behind scripts/next-server.ts, which passes the client's socket address.
  const child = dev
    ? spawn(NEXT, ['dev', '-p', port, '-H', host], { cwd: ROOT, stdio: 'inherit', env })
    : spawn(process.execPath, ['--import', 'tsx', 'scripts/next-server.ts', port, host], {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...env, NODE_ENV: 'production', ROUTELENS_PEER_HEADER: '1' },
      });
  console.log(`routelens: http://localhost:${port}${db.embedded ? '  (embedded PostgreSQL, data in .data/)' : ''}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  release();
  await db.stop();
  process.exit(code);
}

main().catch((e: unknown) => {
  console.error(`routelens: ${(e instanceof Error ? e.message : String(e)).replace(/^routelens: /, '')}`);
  process.exit(1);
});
