// npm test — every test of routelens, in the order that fails fastest: typecheck, lint, unit and
// integration tests (vitest, real PostgreSQL), the Python client's tests (unittest, against the app
// served on a fresh database: scripts/python-tests.ts), end-to-end tests (Playwright, real Chromium).
// `npm run test:unit` / `npm run test:e2e` run one step (or name steps: `npm test -- lint vitest`).
// With DATABASE_URL set, the tests use that server (creating and dropping routelens_* databases);
// otherwise an embedded PostgreSQL under .data/pg-test. Ends with one line "tests: N passed, N failed, N skipped",
// after the names of the skipped tests (a test that skips itself is shown, never counted as passed) and of the failed ones, each with
// the first line of its error (a log kept only by its end still says which test failed and why).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkResult, playwrightCounts, stepResult, vitestCounts, type ReportCounts, type StepResult } from './test-report';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const OUT = path.join(ROOT, 'test-results');
const only = process.argv.slice(2);
const want = (step: string) => only.length === 0 || only.includes(step);

function run(name: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${name}: ${[path.basename(cmd), ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) console.error(r.error.message);
  return r.status === 0;
}

function chromium(): string | null {
  for (const p of [process.env.ROUTELENS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

function main(): number {
  fs.mkdirSync(OUT, { recursive: true });
  const results: StepResult[] = [];

  if (want('typecheck')) {
    const ok = run('typecheck', path.join(BIN, 'tsc'), ['--noEmit', '-p', '.']);
    results.push(checkResult('typecheck', ok, 'tsc found type errors (above)'));
  }
  if (want('lint')) {
    // ESLint's rules, then Prettier's formatting (a file Prettier would rewrite fails the lint step).
    const ok =
      run('lint', path.join(BIN, 'eslint'), ['.', '--max-warnings=0']) && run('format check', path.join(BIN, 'prettier'), ['--check', '--log-level=warn', '.']);
    results.push(checkResult('lint', ok, 'ESLint or Prettier found problems (above)'));
  }
  if (want('vitest')) {
    const report = path.join(OUT, 'vitest.json');
    fs.rmSync(report, { force: true });
    const ok = run('unit and integration tests', path.join(BIN, 'vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
    const counts = fs.existsSync(report) ? vitestCounts(JSON.parse(fs.readFileSync(report, 'utf8')), ROOT) : null;
    results.push(stepResult('vitest', ok, counts));
  }
  if (want('python')) {
    const report = path.join(OUT, 'python.json');
    fs.rmSync(report, { force: true });
    const ok = run('python client tests', process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/python-tests.ts', '--report', report]);
    const counts = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as ReportCounts) : null;
    results.push(stepResult('python', ok, counts));
  }
  if (want('e2e')) {
    const browser = chromium();
    if (!browser) {
      console.error('\n=== e2e: no Chromium found. Install it (Debian: apt-get install -y chromium) or set ROUTELENS_CHROMIUM.');
      results.push(checkResult('e2e', false, 'no Chromium found'));
    } else {
      const report = path.join(OUT, 'playwright.json');
      fs.rmSync(report, { force: true });
      const ok = run('end-to-end tests', path.join(BIN, 'playwright'), ['test'], {
        ROUTELENS_CHROMIUM: browser,
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      });
      const counts = fs.existsSync(report) ? playwrightCounts(JSON.parse(fs.readFileSync(report, 'utf8'))) : null;
      results.push(stepResult('e2e', ok, counts));
    }
  }

  console.log('\n=== summary');
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  const skippedNames = results.flatMap((r) => r.skippedNames.map((n) => `${r.name}: ${n}`));
  if (skippedNames.length > 0) {
    console.log('skipped (not run, so not checked):');
    for (const n of skippedNames) console.log(`  - ${n}`);
  }
  const failedNames = results.flatMap((r) => r.failedNames.map((n) => `${r.name}: ${n}`));
  if (failedNames.length > 0) {
    console.log('failed:');
    for (const n of failedNames) console.log(`  - ${n}`);
  }
  const total = (k: 'passed' | 'failed' | 'skipped') => results.reduce((a, r) => a + r[k], 0);
  console.log(`tests: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exit(main());
