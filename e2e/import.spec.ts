import { expect, test } from '@playwright/test';
import { DEFAULT_MODELS, generateTraces } from '@/lib/generate';
import { shot } from './helpers';

test('an uploaded file with one bad line stores the others and names the bad line', async ({ page }) => {
  // A run of its own per attempt, so that the test also holds against a database it ran on before.
  const run = `e2e-import-${Date.now().toString(36)}`;
  const lines = [
    ...generateTraces({ seed: 9, queries: 3, limit: 3, models: DEFAULT_MODELS, runs: [{ id: run, policy: 'random', models: ['qwen3-1.7b', 'qwen3-32b'] }] }),
  ];
  const bad = structuredClone(lines[1]!);
  bad.steps[0]!.model = 'no-such-model';
  const body = [lines[0], bad, lines[2]].map((l) => JSON.stringify(l)).join('\n') + '\n';

  await page.goto('/import');
  await page.getByTestId('file-input').setInputFiles({ name: 'traces.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(body) });
  await expect(page.getByTestId('drop-zone')).toContainText('traces.jsonl');
  const answered = page.waitForResponse((r) => r.url().includes('/api/ingest'));
  await page.getByTestId('upload').click();
  expect((await answered).status()).toBe(207);

  await expect(page.getByTestId('report-headline')).toHaveText('Imported 2 trajectories; 1 line failed');
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

test('a PNG picked by mistake gets one message that it is not JSON Lines, and is not uploaded', async ({ page }) => {
  // The first bytes of a PNG: its signature and the start of its IHDR chunk (NUL bytes included).
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), Buffer.alloc(2000, 0x0a)]);
  let uploads = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/ingest')) uploads++;
  });
  await page.goto('/import');
  await page.getByTestId('file-input').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png });
  await page.getByTestId('upload').click();
  const refused = page.getByTestId('upload-refused');
  await expect(refused).toHaveText(/chart\.png is not JSON Lines: it is a PNG image/);
  await expect(page.getByTestId('ingest-error')).toHaveCount(0);
  expect(uploads).toBe(0);
  await shot(page, 'import-png');

  // Sent anyway (curl, a script), the server says the same once, not once per newline byte.
  const res = await page.request.post('/api/ingest', { data: png, headers: { 'content-type': 'application/x-ndjson' } });
  const report = (await res.json()) as { failed: number; errors: { message: string }[] };
  expect(report.failed).toBe(1);
  expect(report.errors[0]!.message).toMatch(/not JSON Lines: it is a PNG image/);
});
