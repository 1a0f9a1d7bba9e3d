import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { shot } from './helpers';
import { readZip } from '../tests/helpers/zip';

test('the Exports page downloads a filtered steps file and a Parquet preference file with its manifest', async ({ page }) => {
  await page.goto('/exports');
  await page.locator('select[name=run]').selectOption('roro-s800');
  await page.locator('input[name=lambda]').fill('1');

  const steps = page.getByTestId('export-steps');
  await steps.getByRole('radio', { name: 'JSON Lines' }).click();
  // The saved file is a .zip: the JSON Lines file and its manifest beside it.
  const [download] = await Promise.all([page.waitForEvent('download'), steps.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^routelens-steps-.*\.zip$/);
  const entries = readZip(fs.readFileSync((await download.path())!));
  const dataName = [...entries.keys()].find((n) => n.endsWith('.jsonl'))!;
  const text = entries.get(dataName)!.toString('utf8');
  const rows = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.length).toBeGreaterThan(100);
  // One assertion over every row (thousands of per-row assertions make the test crawl under tracing).
  expect(rows.filter((r) => r.run_id !== 'roro-s800' || typeof r.cost_usd !== 'number' || !('rubric_score' in r))).toEqual([]);
  // The reward follows the page's lambda (1), not the default (0.5): it equals the server's reward of
  // that trajectory at lambda=1, and is 0.5 × process score away from the one at the default.
  const scored = rows.find((r) => typeof r.process_score === 'number' && r.process_score > 0.1)!;
  expect(scored, 'a step row whose trajectory has a process score above 0.1').toBeTruthy();
  const scoresAt = async (lambda: number) => {
    const res = await page.request.get(`/api/trajectories/${encodeURIComponent(scored.trajectory_id as string)}/scores?lambda=${lambda}&mu=0.1`);
    expect(res.ok()).toBe(true);
    return (await res.json()) as { reward: number; process_score: number };
  };
  const [atOne, atDefault] = [await scoresAt(1), await scoresAt(0.5)];
  expect(scored.reward as number).toBeCloseTo(atOne.reward, 9);
  expect((scored.reward as number) - atDefault.reward).toBeCloseTo(0.5 * (scored.process_score as number), 9);

  // Pairs are formed within a query across runs: every run this time.
  await page.locator('select[name=run]').selectOption('');
  const prefs = page.getByTestId('export-preferences');
  await prefs.getByRole('radio', { name: 'Parquet' }).click();
  const [pq] = await Promise.all([page.waitForEvent('download'), prefs.getByRole('link', { name: 'Download' }).click()]);
  expect(pq.suggestedFilename()).toMatch(/\.parquet$/);
  const buf = fs.readFileSync((await pq.path())!);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const pairs = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  expect(pairs.length).toBeGreaterThan(0);
  // The provenance rides in the file: filters, settings and the row count.
  const kv = parquetMetadata(file).key_value_metadata ?? [];
  const manifest = JSON.parse(kv.find((e) => e.key === 'routelens.manifest')?.value ?? '{}') as Record<string, unknown>;
  expect(manifest).toMatchObject({ kind: 'preferences', format: 'parquet' });
  expect(JSON.stringify(manifest)).toContain(String(pairs.length));
  expect(
    pairs.filter((p) => !['outcome', 'process', 'cost'].includes(p.reason as string) || typeof p.prompt !== 'string' || typeof p.chosen !== 'string'),
  ).toEqual([]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'exports');
});

test('each card shows the rows its export would write, and why a kind is empty, before downloading', async ({ page }) => {
  await page.goto('/exports');
  await page.locator('select[name=run]').selectOption('all-small');
  const count = (kind: string) => page.getByTestId(`export-${kind}`).getByTestId('row-count');
  const total = ((await (await page.request.get('/api/trajectories?limit=1&run=all-small')).json()) as { total: number }).total;
  await expect(count('traces')).toHaveAttribute('data-state', 'settled');
  await expect(count('traces')).toHaveAttribute('data-rows', String(total));
  await expect(count('traces')).toContainText(`${total} rows`);
  // One trajectory per query: no pairs, and the card says so before anything is downloaded.
  await expect(count('preferences')).toContainText('no pairs: every query has one trajectory');
  await expect(count('preferences')).toHaveAttribute('data-rows', '0');
  // The runs, benchmarks and models to pick from are the ones that exist.
  const runs = ((await (await page.request.get('/api/runs')).json()) as { runs: { id: string }[] }).runs.map((r) => r.id);
  const options = await page.locator('select[name=run] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toEqual(['', ...runs]);
  const benchmarks = await page.locator('select[name=benchmark] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(benchmarks.length).toBeGreaterThan(2);
  await shot(page, 'exports-counts');

  // A shared link with a mistyped run: the field marks it and the counts say why nothing would come out.
  await page.goto('/exports?run=roro-typo');
  await expect(page.locator('select[name=run]')).toHaveValue('roro-typo');
  await expect(page.locator('select[name=run] option:checked')).toHaveText('roro-typo (not found)');
  await expect(count('traces')).toContainText('no run is named "roro-typo"');
  const res = await page.request.get('/api/exports/traces?run=roro-typo');
  expect(res.status()).toBe(400);
});

test('a saved CSV carries its manifest (filters, settings, row count) beside it', async ({ page }) => {
  await page.goto('/exports');
  await page.locator('select[name=run]').selectOption('e2e-probes');
  const card = page.getByTestId('export-traces');
  await card.getByRole('radio', { name: 'CSV' }).click();
  await expect(card.getByTestId('row-count')).toHaveAttribute('data-state', 'settled');
  const rows = Number(await card.getByTestId('row-count').getAttribute('data-rows'));
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download' }).click()]);
  const saved = await download.path();
  const entries = readZip(fs.readFileSync(saved!));
  const names = [...entries.keys()];
  expect(names).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.manifest\.json$/)]);
  const manifest = JSON.parse(entries.get(names[1]!)!.toString('utf8')) as Record<string, unknown>;
  expect(manifest).toMatchObject({ kind: 'traces', format: 'csv', filters: { run: 'e2e-probes' }, rows });
  // Header line + one record per row (texts may hold newlines inside quotes, so count the ids).
  const csv = entries.get(names[0]!)!.toString('utf8');
  expect(csv.split('\r\n')[0]).toMatch(/^trajectory_id,/);
  expect(rows).toBeGreaterThan(0);
});
