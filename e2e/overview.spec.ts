import { expect, test } from '@playwright/test';
import { DEFAULT_MODELS, generateTraces, type RoutingPolicy } from '@/lib/generate';
import { shot } from './helpers';

test('the overview lists the runs with their figures and charts, and a run opens its trajectories', async ({ page }) => {
  await page.goto('/');
  const { runs } = (await (await page.request.get('/api/runs')).json()) as { runs: unknown[] };
  const table = page.getByTestId('runs-table');
  await expect(table.getByTestId('run-row')).toHaveCount(runs.length);
  for (const run of ['all-small', 'outcome-rl', 'roro-s800', 'e2e-probes']) await expect(table).toContainText(run);
  // A percentage, a dollar figure and a score on every run row.
  await expect(table.getByTestId('run-row').first()).toContainText(/\d+\.\d%.*\$0\.\d+.*\d\.\d{3}/s);
  await expect(page.getByTestId('accuracy-cost-chart').getByTestId('run-point')).toHaveCount(runs.length);
  await expect(page.getByTestId('model-usage-chart').locator('svg .recharts-bar-rectangle').first()).toBeVisible();
  await shot(page, 'overview');
  // Up to six runs are named on the chart, each name by its own point, and no two names overlap.
  const labels = page.getByTestId('accuracy-cost-chart').getByTestId('run-label');
  await expect(labels).toHaveCount(runs.length <= 6 ? runs.length : 0);
  const boxes = await labels.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y, `run names ${i} and ${j} overlap`).toBe(true);
    }
  }

  await table.getByTestId('run-row').filter({ hasText: 'roro-s800' }).click();
  await expect(page).toHaveURL(/\/trajectories\?run=roro-s800$/);
  const rows = page.getByTestId('trajectory-row');
  await expect(rows.first()).toBeVisible();
  for (const run of await rows.locator('td[data-col=run]').allInnerTexts()) expect(run).toBe('roro-s800');
});

/** Five more runs beside the demo's and the probes', each at its own place on the chart (9 in all). */
async function ingestMoreRuns(request: import('@playwright/test').APIRequestContext): Promise<string[]> {
  const specs: { id: string; policy: RoutingPolicy; models: string[] }[] = [
    { id: 'e2e-more-all-large', policy: 'all-large', models: ['qwen3-1.7b', 'qwen3-32b'] },
    { id: 'e2e-more-random', policy: 'random', models: ['qwen3-1.7b', 'qwen3-8b', 'qwen3-32b'] },
    { id: 'e2e-more-mid', policy: 'all-large', models: ['qwen3-1.7b', 'qwen3-8b'] },
    { id: 'e2e-more-outcome', policy: 'outcome-rl', models: ['qwen3-8b', 'qwen3-32b'] },
    { id: 'e2e-more-roro', policy: 'roro', models: ['qwen3-1.7b', 'qwen3-8b'] },
  ];
  const lines = specs.flatMap((run, i) => [...generateTraces({ seed: 100 + i, queries: 12 + 3 * i, runs: [run], models: DEFAULT_MODELS })]);
  const res = await request.post('/api/ingest', {
    data: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status(), await res.text()).toBe(200);
  return specs.map((s) => s.id);
}

test('with nine runs, hovering each point of the chart names that run, with its own accuracy and cost', async ({ page }) => {
  await ingestMoreRuns(page.request);
  const { runs } = (await (await page.request.get('/api/runs')).json()) as { runs: { id: string; accuracy: number; mean_cost_usd: number }[] };
  expect(runs.length).toBeGreaterThanOrEqual(9);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  const points = page.getByTestId('accuracy-cost-chart').getByTestId('run-point');
  await expect(points).toHaveCount(runs.length);
  await points.first().scrollIntoViewIfNeeded();
  const tooltip = page.getByTestId('chart-tooltip');
  const named = new Set<string>();
  for (let i = 0; i < runs.length; i++) {
    const box = (await points.nth(i).boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    // Where two points overlap, the one drawn on top is the one under the pointer.
    const top = await page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.getAttribute('data-run') ?? null, [x, y]);
    expect(top, `point ${i} is under the pointer`).not.toBeNull();
    await page.mouse.move(1, 1);
    await page.mouse.move(x, y);
    await expect(tooltip).toHaveAttribute('data-run', top!);
    const run = runs.find((r) => r.id === top)!;
    await expect(tooltip).toContainText(`accuracy ${(run.accuracy * 100).toFixed(1)}%`);
    named.add(top!);
  }
  expect(named.size).toBe(runs.length);
  await shot(page, 'overview-nine-runs');
});
