// npm start — the dashboard in one command. Without DATABASE_URL it starts the embedded PostgreSQL
// under .data/, applies migrations, loads the demo traces the first time, builds the app when the
// sources changed since the last build, and serves it on http://localhost:3000 (PORT to change).
// With DATABASE_URL it does the same against that server, minus the demo data (npm run db:seed).
// `--dev` runs Next's development server instead of a production build.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDatabase } from '../lib/db/resolve';
import { applyMigrations } from '../lib/db/migrate';
import { closePool } from '../lib/db/pool';
import { loadDemoData } from '../lib/db/demo';
import { ensureFirstAdmin } from '../lib/db/first-admin';

const ROOT = path.resolve(import.meta.dirname, '..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');
const BUILD_STAMP = path.join(ROOT, '.next', 'routelens-build.json');
const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.js', 'package-lock.json', 'tsconfig.json', 'postcss.config.mjs'];

function sourceFingerprint(): string {
  const h = crypto.createHash('sha256');
  const walk = (p: string) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      if (path.basename(p) === 'generated' || path.basename(p) === 'node_modules') return;
      for (const f of fs.readdirSync(p).sort()) walk(path.join(p, f));
    } else if (!/\.test\.tsx?$/.test(p)) {
      h.update(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}\n`);
    }
  };
  for (const s of SOURCES) walk(path.join(ROOT, s));
  return h.digest('hex');
}

function buildIfNeeded(): void {
  const want = sourceFingerprint();
  const have = fs.existsSync(BUILD_STAMP) ? (JSON.parse(fs.readFileSync(BUILD_STAMP, 'utf8')) as { fingerprint?: string }).fingerprint : undefined;
  if (have === want && fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) return;
  console.log('routelens: building the app (once per change of the sources)...');
  const r = spawnSync(NEXT, ['build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error('next build failed');
  fs.writeFileSync(BUILD_STAMP, JSON.stringify({ fingerprint: want, at: new Date().toISOString() }));
}

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev');
  const port = process.env.PORT ?? '3000';
  const db = await resolveDatabase((l) => console.log(l));
  process.env.DATABASE_URL = db.url;
  const applied = await applyMigrations(db.url);
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
  const env = { ...process.env, DATABASE_URL: db.url, ROUTELENS_EMBEDDED: db.embedded ? 'true' : 'false', NEXT_TELEMETRY_DISABLED: '1' };
  const child = spawn(NEXT, [dev ? 'dev' : 'start', '-p', port, '-H', process.env.HOST ?? '127.0.0.1'], { cwd: ROOT, stdio: 'inherit', env });
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
  await db.stop();
  process.exit(code);
}

main().catch((e: unknown) => {
  console.error(`routelens: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
