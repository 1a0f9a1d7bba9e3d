// npm test's summary counts skipped tests and names them (scripts/test-report.ts), from the reports
// that vitest and Playwright write: a test that skips itself cannot pass in silence.
import { describe, expect, it } from 'vitest';
import { checkResult, playwrightCounts, stepResult, unittestCounts, vitestCounts } from '@/scripts/test-report';

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
              {
                fullName: 'x fails',
                status: 'failed',
                failureMessages: ['\u001b[31mAssertionError: expected 2 to be 3\u001b[39m\n    at tests/x.test.ts:9:5'],
              },
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
      failedNames: ['tests/x.test.ts > x fails: AssertionError: expected 2 to be 3'],
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
    expect(c).toEqual({ passed: 4, failed: 0, skipped: 1, skippedNames: ['exports.spec.ts > big > a large file'], failedNames: [] });
  });

  it('names a file that failed outside its tests, with the first line of its error', () => {
    const c = vitestCounts(
      {
        numPassedTests: 0,
        numFailedTests: 0,
        testResults: [{ name: '/repo/tests/broken.test.ts', status: 'failed', message: '\n  Error: Cannot find module "x"\n  at y', assertionResults: [] }],
      },
      '/repo',
    );
    expect(c.failed).toBe(1);
    expect(c.failedNames).toEqual(['tests/broken.test.ts (outside its tests): Error: Cannot find module "x"']);
    expect(
      vitestCounts(
        {
          numPassedTests: 1,
          numFailedTests: 1,
          testResults: [{ name: '/r/a.test.ts', assertionResults: [{ fullName: 'a', status: 'failed', failureMessages: ['x'.repeat(500)] }] }],
        },
        '/r',
      ).failedNames[0],
    ).toHaveLength('a.test.ts > a: '.length + 200);
  });

  it('names the failed tests of a Playwright report with the first line of their error', () => {
    const c = playwrightCounts({
      stats: { expected: 1, unexpected: 1, flaky: 0, skipped: 0 },
      suites: [
        {
          title: 'replay.spec.ts',
          file: 'replay.spec.ts',
          specs: [
            { title: 'plays', tests: [{ status: 'expected' }] },
            {
              title: 'steps with j',
              tests: [
                { status: 'unexpected', results: [{}, { error: { message: 'Error: expect(locator).toHaveText(expected)\n\nExpected: "step 50 of 50"' } }] },
              ],
            },
          ],
        },
      ],
    });
    expect(c.failedNames).toEqual(['replay.spec.ts > steps with j: Error: expect(locator).toHaveText(expected)']);
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
      '======================================================================',
      'FAIL: test_c (tests.test_client.C.test_c)',
      '----------------------------------------------------------------------',
      'Traceback (most recent call last):',
      '  File "tests/test_client.py", line 9, in test_c',
      '    self.assertEqual(2, 3)',
      'AssertionError: 2 != 3',
      '',
      '======================================================================',
      'ERROR: test_d (tests.test_client.C.test_d)',
      '----------------------------------------------------------------------',
      'Traceback (most recent call last):',
      'urllib.error.URLError: <urlopen error refused>',
      '',
      '----------------------------------------------------------------------',
      'Ran 4 tests in 0.512s',
      '',
      'FAILED (failures=1, errors=1, skipped=1)',
    ].join('\n');
    expect(unittestCounts(out)).toEqual({
      ran: 4,
      passed: 1,
      failed: 2,
      skipped: 1,
      skippedNames: ['tests.test_client.C.test_a'],
      failedNames: ['tests.test_client.C.test_c: AssertionError: 2 != 3', 'tests.test_client.C.test_d: urllib.error.URLError: <urlopen error refused>'],
    });
    expect(unittestCounts('Ran 13 tests in 7.9s\n\nOK\n')).toEqual({ ran: 13, passed: 13, failed: 0, skipped: 0, skippedNames: [], failedNames: [] });
    expect(unittestCounts('Traceback (most recent call last):\nImportError: no module\n')).toBeNull();
  });

  it('fails a step whose report counts failures, even when its runner exited 0', () => {
    const counts = { passed: 834, failed: 2, skipped: 0, skippedNames: [], failedNames: ['a > x: e', 'a > y: e'] };
    expect(stepResult('vitest', true, counts)).toMatchObject({ ok: false, failed: 2, passed: 834 });
    expect(stepResult('vitest', true, { ...counts, failed: 0, failedNames: [] })).toMatchObject({ ok: true, failed: 0, failedNames: [] });
    // A failed exit with nothing counted (a crash before any test) counts one failure.
    expect(stepResult('e2e', false, null)).toMatchObject({ ok: false, failed: 1, passed: 0, failedNames: ['e2e failed and its report names no test'] });
    expect(stepResult('e2e', false, counts)).toMatchObject({ ok: false, failed: 2 });
    expect(checkResult('lint', false, 'Prettier found problems')).toMatchObject({ ok: false, passed: 0, failed: 1, failedNames: ['Prettier found problems'] });
    expect(checkResult('lint', true, 'Prettier found problems')).toMatchObject({ ok: true, passed: 1, failed: 0, failedNames: [] });
  });
});
