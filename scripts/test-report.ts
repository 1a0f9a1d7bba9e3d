// What `npm test` reads from the reports of vitest (--reporter=json), Playwright (the json
// reporter) and unittest (its -v output, for the Python client): how many tests passed, failed and were skipped, the names of the skipped ones, so
// that a test that skips itself shows in the summary instead of passing in silence, and the names of the failed ones with the first line of
// their error, so that the summary (the end of a long log, often all of it that is kept) says which test failed and why.
import path from 'node:path';

export interface ReportCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** "file > test" of every skipped (or todo) test. */
  skippedNames: string[];
  /** "file > test: the first line of its error" of every failed test (and of a file that failed before its tests ran). */
  failedNames: string[];
}

/** The first line of an error message that says something, without terminal colours, cut at 200 characters. */
export function firstLine(message: string | undefined): string {
  const plain = (message ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  const line =
    plain
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function named(name: string, message: string | undefined): string {
  const why = firstLine(message);
  return why ? `${name}: ${why}` : name;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: {
    name: string;
    status?: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

const SKIPPED_VITEST = new Set(['skipped', 'pending', 'todo']);

export function vitestCounts(report: VitestReport, root: string): ReportCounts {
  const skippedNames = (report.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? []).filter((t) => SKIPPED_VITEST.has(t.status)).map((t) => `${path.relative(root, file.name)} > ${t.fullName}`),
  );
  const failedNames = (report.testResults ?? []).flatMap((file) => {
    const where = path.relative(root, file.name);
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').map((t) => named(`${where} > ${t.fullName}`, t.failureMessages?.[0]));
    // A file that failed with no failed test in it failed outside its tests (an import, a hook, an unhandled error).
    if (tests.length === 0 && file.status === 'failed') return [named(`${where} (outside its tests)`, file.message)];
    return tests;
  });
  return {
    passed: report.numPassedTests,
    failed: Math.max(report.numFailedTests, failedNames.length),
    skipped: Math.max(skippedNames.length, (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)),
    skippedNames,
    failedNames,
  };
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { title: string; file?: string; tests?: { status: string; results?: { error?: { message?: string } }[] }[] }[];
  suites?: PlaywrightSuite[];
}

interface PlaywrightReport {
  stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  suites?: PlaywrightSuite[];
}

export function playwrightCounts(report: PlaywrightReport): ReportCounts {
  const skippedNames: string[] = [];
  const failedNames: string[] = [];
  const walk = (s: PlaywrightSuite, titles: string[]) => {
    const here = s.file && titles.length === 0 ? [s.file] : s.title ? [...titles, s.title] : titles;
    for (const spec of s.specs ?? []) {
      const name = [...here, spec.title].join(' > ');
      if ((spec.tests ?? []).some((t) => t.status === 'skipped')) skippedNames.push(name);
      const failed = (spec.tests ?? []).find((t) => t.status === 'unexpected');
      if (failed)
        failedNames.push(
          named(
            name,
            failed.results?.map((r) => r.error?.message).find((m) => m),
          ),
        );
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
    failedNames,
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
  // unittest ends with a block per failure: "FAIL: test_c (module.Class.test_c)", a rule, the traceback, whose last line is the error.
  const failedNames = [...output.matchAll(/^(?:FAIL|ERROR): \w+ \(([\w.]+)\)[^\n]*\n-+\n([\s\S]*?)(?=\n={10,}|\n-{10,}\nRan |(?![\s\S]))/gm)].map((m) => {
    const lines = m[2]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    return named(m[1]!, lines[lines.length - 1]);
  });
  return { ran: n, passed: n - failed - skipped - field('expected failures'), failed, skipped, skippedNames, failedNames };
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
  const c = counts ?? { passed: 0, failed: 0, skipped: 0, skippedNames: [], failedNames: [] };
  const failed = c.failed + (exitedOk || c.failed > 0 ? 0 : 1);
  const listed = c.failedNames ?? [];
  const failedNames = failed > 0 && listed.length === 0 ? [`${name} failed and its report names no test`] : listed;
  return { name, ...c, failed, failedNames, ok: exitedOk && failed === 0 };
}

/** A step that is one check (typecheck, lint): one test passed, or one failed for `why`. */
export function checkResult(name: string, ok: boolean, why: string): StepResult {
  return stepResult(name, ok, { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, skippedNames: [], failedNames: ok ? [] : [why] });
}
