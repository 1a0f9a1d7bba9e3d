// What `npm test` reads from the reports of vitest (--reporter=json), Playwright (the json
// reporter) and unittest (its -v output, for the Python client): how many tests passed, failed and were skipped, and the names of the skipped ones, so
// that a test that skips itself shows in the summary instead of passing in silence.
import path from 'node:path';

export interface ReportCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** "file > test" of every skipped (or todo) test. */
  skippedNames: string[];
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { name: string; assertionResults?: { fullName: string; status: string }[] }[];
}

const SKIPPED_VITEST = new Set(['skipped', 'pending', 'todo']);

export function vitestCounts(report: VitestReport, root: string): ReportCounts {
  const skippedNames = (report.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? []).filter((t) => SKIPPED_VITEST.has(t.status)).map((t) => `${path.relative(root, file.name)} > ${t.fullName}`),
  );
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: Math.max(skippedNames.length, (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)),
    skippedNames,
  };
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; file?: string; tests?: { status: string }[] }[];
  suites?: PlaywrightSuite[];
}

interface PlaywrightReport {
  stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  suites?: PlaywrightSuite[];
}

export function playwrightCounts(report: PlaywrightReport): ReportCounts {
  const skippedNames: string[] = [];
  const walk = (s: PlaywrightSuite, titles: string[]) => {
    const here = s.file && titles.length === 0 ? [s.file] : s.title ? [...titles, s.title] : titles;
    for (const spec of s.specs ?? []) {
      if ((spec.tests ?? []).some((t) => t.status === 'skipped')) skippedNames.push([...here, spec.title].join(' > '));
    }
    for (const child of s.suites ?? []) walk(child, here);
  };
  for (const s of report.suites ?? []) walk(s, []);
  const stats = report.stats ?? {};
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: stats.unexpected ?? 0,
    skipped: Math.max(stats.skipped ?? 0, skippedNames.length),
    skippedNames,
  };
}

/** The Python client's tests (unittest -v); skippedNames are "module.Class.test". */
export interface UnittestCounts extends ReportCounts {
  ran: number;
}

/** The counts from unittest's closing lines ("Ran 12 tests in 3.2s", "OK" / "FAILED (failures=1, errors=2)"). */
export function unittestCounts(output: string): UnittestCounts | null {
  const ran = /^Ran (\d+) tests? in /m.exec(output);
  if (!ran) return null;
  const n = Number(ran[1]);
  const tail = output.slice(ran.index);
  const status = /^(OK|FAILED)\b(?: \(([^)]*)\))?/m.exec(tail);
  if (!status) return null;
  const field = (name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(status[2] ?? '')?.[1] ?? 0);
  const failed = field('failures') + field('errors') + field('unexpected successes');
  const skipped = field('skipped');
  const skippedNames = [...output.matchAll(/^\w+ \(([\w.]+)\)(?:\n.*)? \.\.\. skipped\b/gm)].map((m) => m[1]!);
  return { ran: n, passed: n - failed - skipped - field('expected failures'), failed, skipped, skippedNames };
}

export interface StepResult extends ReportCounts {
  name: string;
  ok: boolean;
}

/**
 * One step of `npm test` from its exit status and, when it wrote one, its report's counts. It is ok
 * only when it exited 0 and its report counts no failure (a runner whose exit status says success
 * over failed tests must not pass the run), and a failed exit with no failure counted counts one.
 */
export function stepResult(name: string, exitedOk: boolean, counts: ReportCounts | null): StepResult {
  const c = counts ?? { passed: 0, failed: 0, skipped: 0, skippedNames: [] };
  const failed = c.failed + (exitedOk || c.failed > 0 ? 0 : 1);
  return { name, ...c, failed, ok: exitedOk && failed === 0 };
}
