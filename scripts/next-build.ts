// `next build` once per change of the sources: a fingerprint of the files that go into the build is
// kept beside it (the same stamp as scripts/serve.ts), so the e2e servers and the benchmarks reuse a
// build that is still current and rebuild one that is not.
//
// Several engineers edit this tree at once, so the sources change all the time. A rebuild replaces
// .next under any `next start` serving it (its pages then ask for CSS and chunks that are gone), so a
// process that serves the build holds it (holdBuild) and nobody rebuilds it meanwhile: they reuse it
// even when it is older than the sources. Two processes that need a build do not build at once.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const NEXT_BIN = path.join(ROOT, 'node_modules', '.bin', 'next');
const BUILD_STAMP = path.join(ROOT, '.next', 'routelens-build.json');
const BUILD_ID = path.join(ROOT, '.next', 'BUILD_ID');
// Outside .next, which a build empties.
const STATE = path.join(ROOT, '.data', 'next-build');
const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.js', 'package-lock.json', 'tsconfig.json', 'postcss.config.mjs'];

export function sourceFingerprint(): string {
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

export function buildIsCurrent(): boolean {
  if (!fs.existsSync(BUILD_ID) || !fs.existsSync(BUILD_STAMP)) return false;
  const have = (JSON.parse(fs.readFileSync(BUILD_STAMP, 'utf8')) as { fingerprint?: string }).fingerprint;
  return have === sourceFingerprint();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids (other than this one) that hold a marker in STATE/kind; markers of dead processes are removed. */
function holders(kind: 'serving' | 'building'): number[] {
  const dir = path.join(STATE, kind);
  if (!fs.existsSync(dir)) return [];
  const pids: number[] = [];
  for (const f of fs.readdirSync(dir)) {
    const pid = Number(f);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (alive(pid)) pids.push(pid);
    else fs.rmSync(path.join(dir, f), { force: true });
  }
  return pids;
}

function mark(kind: 'serving' | 'building'): () => void {
  const dir = path.join(STATE, kind);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, String(process.pid));
  fs.writeFileSync(file, new Date().toISOString());
  return () => fs.rmSync(file, { force: true });
}

/** Marks the current build as served by this process until the returned function is called. */
export function holdBuild(): () => void {
  return mark('serving');
}

/** Blocks the (script's) thread: a build waits synchronously, as callers run it before anything else. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function buildIfNeeded(log: (line: string) => void = console.log): void {
  for (let waited = 0; holders('building').length > 0; waited++) {
    if (waited === 0) log(`routelens: another process (pid ${holders('building').join(', ')}) is building the app; waiting for it`);
    if (waited > 900) throw new Error('routelens: waited 15 minutes for another build');
    sleepSync(1000);
  }
  if (buildIsCurrent()) return;
  const serving = holders('serving');
  if (serving.length > 0 && fs.existsSync(BUILD_ID)) {
    log(`routelens: reusing the build that pid ${serving.join(', ')} serves (the sources changed since; a rebuild would break it)`);
    return;
  }
  const release = mark('building');
  try {
    const want = sourceFingerprint();
    log('routelens: building the app (once per change of the sources)...');
    const r = spawnSync(NEXT_BIN, ['build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (r.status !== 0) throw new Error('next build failed');
    fs.writeFileSync(BUILD_STAMP, JSON.stringify({ fingerprint: want, at: new Date().toISOString() }));
  } finally {
    release();
  }
}
