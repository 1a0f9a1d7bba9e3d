// npm test's summary counts skipped tests and names them (scripts/test-report.ts), from the reports
// that vitest and Playwright write: a test that skips itself cannot pass in silence.
import { describe, expect, it } from 'vitest';
import { playwrightCounts, stepResult, unittestCounts, vitestCounts } from '@/scripts/test-report';

describe("npm test's summary", () => {
  it('counts and names the skipped and todo tests of a vitest report', () => {
    const c = vitestCounts(
      {
        numPassedTests: 2,
        numFailedTests: 1,
        numPendingTests: 1,
        numTodoTests: 1,
        testResults: [
          {
            name: '/repo/tests/backup.test.ts',
            assertionResults: [
              { fullName: 'backup and restore pg_dump carries everything', status: 'skipped' },
              { fullName: 'backup and restore finds tools', status: 'passed' },
            ],
          },
          {
            name: '/repo/tests/x.test.ts',
            assertionResults: [
              { fullName: 'x works', status: 'passed' },
              { fullName: 'x fails', status: 'failed' },
              { fullName: 'x later', status: 'todo' },
            ],
          },
        ],
      },
      '/repo',
    );
    expect(c).toEqual({
      passed: 2,
      failed: 1,
      skipped: 2,
      skippedNames: ['tests/backup.test.ts > backup and restore pg_dump carries everything', 'tests/x.test.ts > x later'],
    });
  });

  it('counts and names the skipped tests of a Playwright report', () => {
    const c = playwrightCounts({
      stats: { expected: 3, unexpected: 0, flaky: 1, skipped: 1 },
      suites: [
        {
          title: 'exports.spec.ts',
          file: 'exports.spec.ts',
          specs: [{ title: 'downloads', tests: [{ status: 'expected' }] }],
          suites: [{ title: 'big', file: 'exports.spec.ts', specs: [{ title: 'a large file', tests: [{ status: 'skipped' }] }] }],
        },
      ],
    });
    expect(c).toEqual({ passed: 4, failed: 0, skipped: 1, skippedNames: ['exports.spec.ts > big > a large file'] });
  });

  it('reads a report with nothing skipped as nothing skipped', () => {
    expect(vitestCounts({ numPassedTests: 5, numFailedTests: 0, testResults: [] }, '/').skipped).toBe(0);
    expect(playwrightCounts({ stats: { expected: 5, unexpected: 0, flaky: 0, skipped: 0 }, suites: [] }).skipped).toBe(0);
  });

  it("counts and names the skipped tests of unittest's output, and tells a run that never finished", () => {
    const out = [
      "test_a (tests.test_client.C.test_a) ... skipped 'no server'",
      'test_b (tests.test_client.C.test_b)',
      'A docstring. ... ok',
      'test_c (tests.test_client.C.test_c) ... FAIL',
      'test_d (tests.test_client.C.test_d) ... ERROR',
      '',
      '----------------------------------------------------------------------',
      'Ran 4 tests in 0.512s',
      '',
      'FAILED (failures=1, errors=1, skipped=1)',
    ].join('\n');
    expect(unittestCounts(out)).toEqual({ ran: 4, passed: 1, failed: 2, skipped: 1, skippedNames: ['tests.test_client.C.test_a'] });
    expect(unittestCounts('Ran 13 tests in 7.9s\n\nOK\n')).toEqual({ ran: 13, passed: 13, failed: 0, skipped: 0, skippedNames: [] });
    expect(unittestCounts('Traceback (most recent call last):\nImportError: no module\n')).toBeNull();
  });

  it('fails a step whose report counts failures, even when its runner exited 0', () => {
    const counts = { passed: 834, failed: 2, skipped: 0, skippedNames: [] };
    expect(stepResult('vitest', true, counts)).toMatchObject({ ok: false, failed: 2, passed: 834 });
    expect(stepResult('vitest', true, { ...counts, failed: 0 })).toMatchObject({ ok: true, failed: 0 });
    // A failed exit with nothing counted (a crash before any test) counts one failure.
    expect(stepResult('e2e', false, null)).toMatchObject({ ok: false, failed: 1, passed: 0 });
    expect(stepResult('e2e', false, counts)).toMatchObject({ ok: false, failed: 2 });
  });
});
