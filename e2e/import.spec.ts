import { expect, test } from '@playwright/test';
import { DEFAULT_MODELS, generateTraces } from '@/lib/generate';
import { shot } from './helpers';

test('an uploaded file with one bad line stores the others and names the bad line', async ({ page }) => {
  // A run of its own per attempt, so that the test also holds against a database it ran on before.
  const run = `e2e-import-${Date.now().toString(36)}`;
  const lines = [...generateTraces({ seed: 9, queries: 3, limit: 3, models: DEFAULT_MODELS, runs: [{ id: run, policy: 'random', models: ['qwen3-1.7b', 'qwen3-32b'] }] })];
  const bad = structuredClone(lines[1]!);
  bad.steps[0]!.model = 'no-such-model';
  const body = [lines[0], bad, lines[2]].map((l) => JSON.stringify(l)).join('\n') + '\n';

  await page.goto('/import');
  await page.getByTestId('file-input').setInputFiles({ name: 'traces.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(body) });
  await expect(page.getByTestId('drop-zone')).toContainText('traces.jsonl');
  const answered = page.waitForResponse((r) => r.url().includes('/api/ingest'));
  await page.getByTestId('upload').click();
  expect((await answered).status()).toBe(207);

  await expect(page.getByTestId('report-stored')).toHaveText('2');
  await expect(page.getByTestId('report-failed')).toHaveText('1');
  const error = page.getByTestId('ingest-error');
  await expect(error).toHaveCount(1);
  await expect(error).toHaveAttribute('data-line', '2');
  await expect(error).toContainText(bad.id);
  await expect(error).toContainText('/steps/0/model');
  await expect(error).toContainText('no-such-model');
  await shot(page, 'import-report');

  // The stored lines are in the list now.
  await page.goto(`/trajectories?run=${run}`);
  await expect(page.getByTestId('trajectory-row')).toHaveCount(2);
});
