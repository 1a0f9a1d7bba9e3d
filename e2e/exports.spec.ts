import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { shot } from './helpers';

test('the Exports page downloads a filtered steps file and a Parquet preference file with its manifest', async ({ page }) => {
  await page.goto('/exports');
  await page.locator('input[name=run]').fill('roro-s800');
  await page.locator('input[name=lambda]').fill('1');

  const steps = page.getByTestId('export-steps');
  await steps.getByRole('radio', { name: 'JSON Lines' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), steps.getByRole('link', { name: 'Download' }).click()]);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  const rows = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.length).toBeGreaterThan(100);
  for (const r of rows) {
    expect(r.run_id).toBe('roro-s800');
    expect(typeof r.cost_usd).toBe('number');
    expect(r).toHaveProperty('rubric_score');
  }
  // The reward follows the page's lambda: outcome + 1 × process − 0.1 × cost ratio ≥ outcome.
  const scored = rows.find((r) => r.process_score !== null && r.correct === true)!;
  expect(scored.reward as number).toBeGreaterThan(1 + 0.5 * (scored.process_score as number) - 0.1);

  // Pairs are formed within a query across runs: every run this time.
  await page.locator('input[name=run]').fill('');
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
  for (const p of pairs) {
    expect(['outcome', 'process', 'cost']).toContain(p.reason);
    expect(typeof p.prompt).toBe('string');
    expect(typeof p.chosen).toBe('string');
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'exports');
});
