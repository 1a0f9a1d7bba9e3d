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
