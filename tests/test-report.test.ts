// npm test's summary counts skipped tests and names them (scripts/test-report.ts), from the reports
// that vitest and Playwright write: a test that skips itself cannot pass in silence.
import { describe, expect, it } from 'vitest';
import { playwrightCounts, vitestCounts } from '@/scripts/test-report';

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
});
