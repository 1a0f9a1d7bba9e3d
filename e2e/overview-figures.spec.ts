// The overview answers "which router is best" on like-for-like figures: a benchmark picker that
// recomputes every figure and both charts and stays in the URL, each run's n and 95% intervals, a
// sortable table with a run's policy and meta, savings against a chosen reference model, an admin
// hiding a run, and no sideways scroll at 800 px.
import { expect, test, type Page } from '@playwright/test';
import { shot } from './helpers';

interface Run {
  id: string;
  policy: string | null;
  meta: Record<string, unknown> | null;
  trajectories: number;
  accuracy: number | null;
  mean_cost_usd: number | null;
  mean_savings: number | null;
  savings_vs_reference: number | null;
  savings_baselines: { model: string; trajectories: number }[];
  accuracy_ci: [number, number] | null;
  step_share_by_model: Record<string, number>;
  hidden: boolean;
}

async function runsOf(page: Page, query = ''): Promise<Run[]> {
  const res = await page.request.get(`/api/runs${query}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { runs: Run[] }).runs.filter((r) => !r.hidden);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const int = (v: number) => v.toLocaleString('en-US');
const rowIds = (page: Page) => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')));

test('the benchmark picker recomputes the figures and both charts, and stays in the URL after a reload', async ({ page }) => {
  await page.goto('/');
  const all = await runsOf(page);
  await expect(page.getByTestId('run-row')).toHaveCount(all.length);
  const { benchmarks } = (await (await page.request.get('/api/benchmarks')).json()) as { benchmarks: string[] };
  expect(benchmarks).toContain('GSM8K');
  const gsm = await runsOf(page, '?benchmark=GSM8K');
  expect(gsm.length).toBeGreaterThan(0);
  const total = gsm.reduce((n, r) => n + r.trajectories, 0);
  expect(total).toBeLessThan(all.reduce((n, r) => n + r.trajectories, 0));

  await page.getByTestId('benchmark-select').selectOption('GSM8K');
  await expect(page).toHaveURL(/[?&]benchmark=GSM8K/);
  const check = async () => {
    await expect(page.getByTestId('stat-trajectories')).toHaveText(int(total));
    await expect(page.getByTestId('run-row')).toHaveCount(gsm.length);
    await expect(page.getByTestId('accuracy-cost-chart').getByTestId('run-point')).toHaveCount(gsm.filter((r) => r.accuracy !== null).length);
    for (const r of gsm) {
      const row = page.locator(`[data-testid=run-row][data-run="${r.id}"]`);
      await expect(row.getByTestId('run-n')).toHaveText(int(r.trajectories));
      await expect(row.getByTestId('run-accuracy')).toHaveText(pct(r.accuracy!));
    }
    // The model usage chart has one bar per run, split by that benchmark's steps.
    await expect(page.getByTestId('model-usage-chart').locator('.recharts-yAxis .recharts-cartesian-axis-tick')).toHaveCount(gsm.length);
    for (const r of gsm) {
      const sum = Object.values(r.step_share_by_model).reduce((a, b) => a + b, 0);
      expect(sum, r.id).toBeCloseTo(1, 9);
    }
  };
  await check();
  await page.reload();
  await expect(page.getByTestId('benchmark-select')).toHaveValue('GSM8K');
  await check();
  // A link that spells the benchmark in another case means the same one.
  await page.goto('/?benchmark=gsm8k');
  await expect(page.getByTestId('stat-trajectories')).toHaveText(int(total));
  await shot(page, 'overview-benchmark');
  await page.getByTestId('benchmark-select').selectOption('');
  await expect(page).not.toHaveURL(/benchmark=/);
  await expect(page.getByTestId('run-row')).toHaveCount(all.length);
});

test('each run shows its n and 95% intervals in the table and on the chart; a small run is marked', async ({ page }) => {
  await page.goto('/');
  const runs = await runsOf(page);
  for (const r of runs) {
    const row = page.locator(`[data-testid=run-row][data-run="${r.id}"]`);
    await expect(row.getByTestId('run-n')).toHaveText(int(r.trajectories));
    if (r.accuracy_ci) await expect(row.getByTestId('run-accuracy-ci')).toHaveText(`${pct(r.accuracy_ci[0])}–${pct(r.accuracy_ci[1])}`);
    await expect(row.getByTestId('run-cost-ci')).toHaveText(/\$[\d.,]+–\$[\d.,]+|—/);
  }
  const small = runs.find((r) => r.trajectories < 30);
  expect(small, 'the probes run has a handful of trajectories').toBeDefined();
  await expect(page.locator(`[data-testid=run-row][data-run="${small!.id}"]`).getByTestId('run-n').locator('span')).toHaveAttribute(
    'title',
    /Only \d+ trajectories/,
  );
  // The chart's tooltip carries the interval and the n.
  const point = page.getByTestId('accuracy-cost-chart').locator(`[data-testid=run-point][data-run="${small!.id}"]`);
  await point.scrollIntoViewIfNeeded();
  const box = (await point.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tooltip = page.getByTestId('chart-tooltip');
  await expect(tooltip).toHaveAttribute('data-run', small!.id);
  await expect(tooltip).toContainText('95%');
  await expect(tooltip).toContainText(`${small!.trajectories} trajectories`);
  await expect(page.getByTestId('accuracy-cost-chart').locator('.recharts-errorBar').first()).toBeAttached();
});

test('the runs table sorts by a clicked header, kept in the URL, and a run shows its policy and meta', async ({ page }) => {
  await page.goto('/');
  const runs = await runsOf(page);
  await page.getByTestId('sort-accuracy').click();
  await expect(page).toHaveURL(/sort=accuracy&order=desc/);
  const byAccuracy = [...runs].sort((a, b) => (b.accuracy ?? -1) - (a.accuracy ?? -1) || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  await expect.poll(() => rowIds(page)).toEqual(byAccuracy);
  await page.getByTestId('sort-accuracy').click();
  await expect(page).toHaveURL(/sort=accuracy&order=asc/);
  const ascending = [...runs].sort((a, b) => (a.accuracy ?? 2) - (b.accuracy ?? 2) || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  await expect.poll(() => rowIds(page)).toEqual(ascending);
  await page.getByTestId('sort-trajectories').click();
  await expect(page).toHaveURL(/sort=trajectories&order=desc/);
  await page.reload();
  const byN = [...runs].sort((a, b) => b.trajectories - a.trajectories || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  await expect.poll(() => rowIds(page)).toEqual(byN);
  await expect(page.getByRole('columnheader', { name: /^n/i })).toHaveAttribute('aria-sort', 'descending');

  const withMeta = runs.find((r) => r.meta && Object.keys(r.meta).length > 0 && r.policy)!;
  const row = page.locator(`[data-testid=run-row][data-run="${withMeta.id}"]`);
  await row.getByTestId('run-details-toggle').click();
  await expect(page).toHaveURL(/sort=trajectories/); // the toggle does not open the run's list
  const detail = page.getByTestId('run-detail');
  await expect(detail).toHaveAttribute('data-run', withMeta.id);
  await expect(detail.getByTestId('run-detail-policy')).toHaveText(withMeta.policy!);
  for (const key of Object.keys(withMeta.meta!)) await expect(detail).toContainText(key);
  await shot(page, 'overview-sorted-detail');
  await row.getByTestId('run-details-toggle').click();
  await expect(detail).toHaveCount(0);
});

test('savings name their reference model, and the reference picker compares every run against one model', async ({ page }) => {
  await page.goto('/');
  // With no reference chosen, each run's savings name the largest model of its trajectories, or
  // how many there are with the list (and counts) on hover.
  const own = await runsOf(page);
  await expect(page.getByTestId('run-row')).toHaveCount(own.length);
  expect(own.some((r) => r.savings_baselines.length === 1)).toBe(true);
  for (const r of own) {
    const ref = page.locator(`[data-testid=run-row][data-run="${r.id}"]`).getByTestId('run-savings-reference');
    const b = r.savings_baselines;
    if (b.length === 1) {
      await expect(ref).toHaveText(`vs ${b[0]!.model}`);
      await expect(ref).toHaveAttribute('title', new RegExp(`against ${b[0]!.model}`));
    } else if (b.length === 0) {
      await expect(ref).toHaveText('vs own largest');
    } else {
      await expect(ref).toHaveText(`vs own largest (${b.length} models)`);
      for (const m of b) await expect(ref).toHaveAttribute('title', new RegExp(`${m.model}: ${int(m.trajectories)} trajectories`));
    }
  }
  await page.getByTestId('reference-select').selectOption('qwen3-32b');
  await expect(page).toHaveURL(/reference=qwen3-32b/);
  const runs = await runsOf(page, '?reference=qwen3-32b');
  for (const r of runs) {
    const row = page.locator(`[data-testid=run-row][data-run="${r.id}"]`);
    await expect(row.getByTestId('run-savings-reference')).toHaveText('vs qwen3-32b');
    await expect(row.getByTestId('run-savings')).toHaveText(r.savings_vs_reference === null ? '—' : pct(r.savings_vs_reference));
  }
  // A run that only ever used the small model saves against the large one, not 0.0% against itself.
  const allSmall = runs.find((r) => r.id === 'all-small')!;
  expect(allSmall.savings_vs_reference!).toBeGreaterThan(0.5);
  await page.reload();
  await expect(page.getByTestId('reference-select')).toHaveValue('qwen3-32b');
  await expect(page.locator('[data-testid=run-row][data-run="all-small"]').getByTestId('run-savings')).toHaveText(pct(allSmall.savings_vs_reference!));
});

test.afterEach(async ({ request }) => {
  // Whatever a test left hidden is shown again: the other overview tests count every run.
  const { runs } = (await (await request.get('/api/runs')).json()) as { runs: Run[] };
  for (const r of runs.filter((x) => x.hidden)) await request.patch(`/api/runs/${encodeURIComponent(r.id)}`, { data: { hidden: false } });
});

test('an admin hides a run and it leaves the overview; showing hidden runs and unhiding restores it', async ({ page }) => {
  await page.goto('/');
  const runs = await runsOf(page);
  const victim = 'outcome-rl';
  const row = page.locator(`[data-testid=run-row][data-run="${victim}"]`);
  await expect(row).toBeVisible();
  await row.getByTestId('run-hide').click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('run-row')).toHaveCount(runs.length - 1);
  await expect(page.getByTestId('stat-runs')).toHaveText(String(runs.length - 1));
  await expect(page.getByTestId('accuracy-cost-chart').locator(`[data-testid=run-point][data-run="${victim}"]`)).toHaveCount(0);
  const api = ((await (await page.request.get('/api/runs')).json()) as { runs: Run[] }).runs;
  expect(api.find((r) => r.id === victim)?.hidden).toBe(true);
  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(runs.length - 1);

  // The box follows the URL: a click writes it there, and the page reads it back.
  await page.getByTestId('show-hidden').click();
  await expect(page).toHaveURL(/hidden=show/);
  await expect(page.getByTestId('show-hidden')).toBeChecked();
  await expect(row).toBeVisible();
  await expect(row).toContainText('hidden');
  await row.getByTestId('run-unhide').click();
  await expect(row.getByTestId('run-hide')).toBeVisible();
  await page.getByTestId('show-hidden').click();
  await expect(page).not.toHaveURL(/hidden=show/);
  await expect(page.getByTestId('run-row')).toHaveCount(runs.length);
  expect((await runsOf(page)).map((r) => r.id)).toContain(victim);
});

for (const path of ['/', '/?benchmark=GSM8K&reference=qwen3-32b', '/trajectories']) {
  test(`at 800 px wide ${path} has no sideways scroll and its figures are not clipped`, async ({ page }) => {
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(path);
    if (path === '/trajectories') {
      await expect(page.getByTestId('trajectory-row').first()).toBeVisible();
      // The figures of the first row, to its last column, are inside the window.
      const first = page.getByTestId('trajectory-row').first();
      for (const [what, cell] of [
        ['cost', first.locator('td[data-col=cost]')],
        ['last column shown', first.locator('td:visible').last()],
      ] as const) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, what).toBeLessThanOrEqual(800);
      }
    } else {
      await expect(page.getByTestId('run-row').first()).toBeVisible();
      await expect(page.getByTestId('model-usage-chart').locator('svg').first()).toBeVisible();
      // "Steps by model" is not clipped: every row's bar is inside the window and its card.
      const card = (await page.getByTestId('runs-table').boundingBox())!;
      for (const bar of await page.getByTestId('runs-table').locator('[data-model]').all()) {
        const b = (await bar.boundingBox())!;
        expect(b.x + b.width).toBeLessThanOrEqual(Math.min(800, card.x + card.width) + 0.5);
      }
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await shot(page, `overview-800${path === '/' ? '' : path.replace(/[^a-z0-9]+/gi, '-')}`);
  });
}

test('screenshots of the overview at 1440x900 and 1280x720', async ({ page }) => {
  for (const [w, h] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('/?benchmark=GSM8K');
    await expect(page.getByTestId('run-row').first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
    await shot(page, `overview-${w}x${h}`);
  }
});

test("the list's benchmark field suggests every stored benchmark, whatever the page shows (#16.9)", async ({ page }) => {
  const { benchmarks } = (await (await page.request.get('/api/benchmarks')).json()) as { benchmarks: string[] };
  expect(benchmarks.length).toBeGreaterThan(1);
  // One run's first page holds one benchmark's rows at most; the suggestions are all of them.
  await page.goto('/trajectories?run=all-small&limit=5');
  await expect(page.getByTestId('trajectory-row').first()).toBeVisible();
  await expect.poll(() => page.locator('datalist#benchmarks option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(benchmarks);
  // Typed in another case, a benchmark still selects its trajectories.
  await page.goto(`/trajectories?benchmark=${benchmarks[0]!.toLowerCase()}`);
  await expect(page.getByTestId('trajectory-row').first()).toBeVisible();
});
