import { expect, test } from '@playwright/test';
import { shot } from './helpers';

test('the overview lists the runs with their figures and charts, and a run opens its trajectories', async ({ page }) => {
  await page.goto('/');
  const { runs } = (await (await page.request.get('/api/runs')).json()) as { runs: unknown[] };
  const table = page.getByTestId('runs-table');
  await expect(table.getByTestId('run-row')).toHaveCount(runs.length);
  for (const run of ['all-small', 'outcome-rl', 'roro-s800', 'e2e-probes']) await expect(table).toContainText(run);
  // A percentage, a dollar figure and a score on every run row.
  await expect(table.getByTestId('run-row').first()).toContainText(/\d+\.\d%.*\$0\.\d+.*\d\.\d{3}/s);
  await expect(page.getByTestId('accuracy-cost-chart').locator('svg .recharts-scatter-symbol')).toHaveCount(runs.length);
  await expect(page.getByTestId('model-usage-chart').locator('svg .recharts-bar-rectangle').first()).toBeVisible();
  await shot(page, 'overview');

  await table.getByTestId('run-row').filter({ hasText: 'roro-s800' }).click();
  await expect(page).toHaveURL(/\/trajectories\?run=roro-s800$/);
  const rows = page.getByTestId('trajectory-row');
  await expect(rows.first()).toBeVisible();
  for (const run of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(run).toBe('roro-s800');
});
