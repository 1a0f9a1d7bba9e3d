import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { shot } from './helpers';
import { TRAINING_QUERIES, TRAINING_ROLLOUTS, TRAINING_RUN, TRAINING_STEPS, trainingStepLines } from './special-traces';

const PAGE = `/runs/${TRAINING_RUN.id}/training`;

/** Posts one training step's rollouts to POST /api/ingest, as a trainer's client would. */
async function postStep(request: APIRequestContext, step: number): Promise<void> {
  const body =
    trainingStepLines(step)
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n';
  const res = await request.post('/api/ingest', { data: body, headers: { 'content-type': 'application/x-ndjson' } });
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { stored: number }).stored).toBe(TRAINING_QUERIES * TRAINING_ROLLOUTS);
}

/** The page is subscribed to its run's events (the stream is open). */
async function whenLive(page: Page): Promise<void> {
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('data-connected', 'true');
}

/** The step posted next: one past the newest stored (the tests below each add one). */
async function nextStep(request: APIRequestContext): Promise<number> {
  const curve = (await (await request.get(`/api/runs/${TRAINING_RUN.id}/training`)).json()) as { steps: { step: number }[] };
  return curve.steps[curve.steps.length - 1]!.step + 1;
}

test('the overview marks the training run and opens its training page with every curve', async ({ page }) => {
  await page.goto('/');
  const row = page.getByTestId('run-row').filter({ hasText: TRAINING_RUN.id });
  await expect(row.getByTestId('run-training-link')).toContainText(/training · \d+ steps/);
  // A run without training steps has no mark.
  await expect(page.getByTestId('run-row').filter({ hasText: 'all-small' }).getByTestId('run-training-link')).toHaveCount(0);
  await row.getByTestId('run-training-link').click();
  await expect(page).toHaveURL(new RegExp(`/runs/${TRAINING_RUN.id}/training$`));

  const steps = await nextStep(page.request);
  expect(steps).toBeGreaterThanOrEqual(TRAINING_STEPS);
  await expect(page.getByTestId('stat-steps')).toHaveText(String(steps));
  for (const chart of ['chart-no-signal', 'chart-accuracy', 'chart-cost', 'chart-large-share', 'chart-process', 'chart-reward', 'chart-std']) {
    const c = page.getByTestId(chart);
    await expect(c).toHaveAttribute('data-points', String(steps));
    await expect(c.locator('.recharts-line-curve').first()).toBeVisible();
  }
  // Outcome alone and combined on one chart.
  await expect(page.getByTestId('chart-no-signal').locator('.recharts-line-curve')).toHaveCount(2);
  await shot(page, 'training-page');
});

test('λ and μ change the reward figures and live in the URL', async ({ page }) => {
  await page.goto(PAGE);
  const reward = page.getByTestId('chart-reward');
  await expect(reward.locator('.recharts-line-curve')).toBeVisible();
  const before = await reward.locator('.recharts-line-curve').getAttribute('d');
  const accuracy = await page.getByTestId('chart-accuracy').locator('.recharts-line-curve').getAttribute('d');
  await page.getByTestId('lambda-slider').fill('1.5');
  await expect(page).toHaveURL(/lambda=1\.5/);
  await expect(reward.locator('.recharts-line-curve')).not.toHaveAttribute('d', before!);
  await expect(page.getByTestId('lambda-input')).toHaveValue('1.5');
  // Accuracy does not depend on λ: its curve stays as it was.
  await expect(page.getByTestId('chart-accuracy').locator('.recharts-line-curve')).toHaveAttribute('d', accuracy!);
  await page.reload();
  await expect(page.getByTestId('lambda-slider')).toHaveValue('1.5');
});

test('a step opens its groups, and a group shows its rollouts with their advantages', async ({ page }) => {
  await page.goto(PAGE);
  // A click on a curve opens the groups of the step under the pointer.
  const surface = page.getByTestId('chart-accuracy').locator('.recharts-surface');
  await expect(surface).toBeVisible();
  const box = (await surface.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
  await expect(page).toHaveURL(/step=\d+/);
  const groups = page.getByTestId('groups-card');
  await expect(groups.getByTestId('group-row')).toHaveCount(TRAINING_QUERIES);

  // Step 3: the first query's rollouts are all correct — no signal under the outcome alone.
  await page.goto(`${PAGE}?step=3`);
  await expect(groups.getByTestId('group-row')).toHaveCount(TRAINING_QUERIES);
  await page.getByTestId('signal-filter').selectOption('no_outcome_signal');
  await expect(page).toHaveURL(/signal=no_outcome_signal/);
  const flat = groups.getByTestId('group-row');
  await expect(flat.first()).toContainText('no outcome signal');
  // The first row had no outcome signal before the filter too: wait for the filtered list itself.
  await expect.poll(() => flat.count()).toBeLessThan(TRAINING_QUERIES);
  const count = await flat.count();
  expect(count).toBeGreaterThanOrEqual(1);
  expect(count).toBeLessThan(TRAINING_QUERIES);

  await flat.first().click();
  const card = page.getByTestId('group-card');
  const rows = card.getByTestId('rollout-row');
  await expect(rows).toHaveCount(TRAINING_ROLLOUTS);
  // Advantages are reward - mean: they sum to zero, and each is shown with its sign.
  const advantages = (await card.getByTestId('advantage').allInnerTexts()).map((t) => Number(t.trim().replace('−', '-').replace('+', '')));
  expect(advantages.every((a) => Number.isFinite(a))).toBe(true);
  expect(Math.abs(advantages.reduce((s, a) => s + a, 0))).toBeLessThan(0.01);
  // Under the outcome alone all four share rank 1; the combined reward tells them apart.
  await expect(card.locator('[data-rank-changed="true"]')).not.toHaveCount(0);
  await expect(card.getByTestId('rank-change').first()).toBeVisible();
  await shot(page, 'training-group');

  // Each rollout opens its replay; two picked open compare.
  const first = await rows.nth(0).getAttribute('data-id');
  const second = await rows.nth(1).getAttribute('data-id');
  await expect(rows.nth(0).getByTestId('rollout-link')).toHaveAttribute('href', `/trajectories/${encodeURIComponent(first!)}`);
  await rows.nth(0).getByTestId('pick-rollout').check();
  await rows.nth(1).getByTestId('pick-rollout').check();
  await card.getByTestId('compare-rollouts').click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${encodeURIComponent(first!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}&b=`));
  expect(decodeURIComponent(page.url())).toContain(second!);
});

test('a batch posted while the page is open appears without a reload', async ({ page }) => {
  await page.goto(PAGE);
  await whenLive(page);
  const step = await nextStep(page.request);
  await expect(page.getByTestId('stat-latest-step')).toHaveText(String(step - 1));
  let reloaded = false;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) reloaded = true;
  });
  await postStep(page.request, step);
  await expect(page.getByTestId('stat-latest-step')).toHaveText(String(step), { timeout: 5_000 });
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-last-step', String(step));
  expect(reloaded).toBe(false);
});

test('the pause toggle holds the view still, and resuming catches up', async ({ page }) => {
  await page.goto(PAGE);
  await whenLive(page);
  const step = await nextStep(page.request);
  await expect(page.getByTestId('stat-latest-step')).toHaveText(String(step - 1));
  await page.getByTestId('live-pause').click();
  await expect(page.getByTestId('live-status')).toHaveText(/Paused/);
  await postStep(page.request, step);
  // The event arrived (the page says it holds it) and the figures did not move.
  await expect(page.getByTestId('live-status')).toHaveText('Paused: 1 new batch held');
  // A λ change reads the run again, but the curve still stops where the pause began.
  await page.getByTestId('lambda-slider').fill('0.8');
  await expect(page).toHaveURL(/lambda=0\.8/);
  await page.waitForTimeout(1_000);
  await expect(page.getByTestId('stat-latest-step')).toHaveText(String(step - 1));
  await shot(page, 'training-paused');
  await page.getByTestId('live-pause').click();
  await expect(page.getByTestId('live-status')).toHaveText('Live');
  await expect(page.getByTestId('stat-latest-step')).toHaveText(String(step));
});

test('the overview gains a stored batch without a reload', async ({ page }) => {
  await page.goto('/');
  await whenLive(page);
  const step = await nextStep(page.request);
  const link = page.getByTestId('run-row').filter({ hasText: TRAINING_RUN.id }).getByTestId('run-training-link');
  await expect(link).toContainText(`training · ${step} steps`);
  await postStep(page.request, step);
  await expect(link).toContainText(`training · ${step + 1} steps`, { timeout: 5_000 });
});
