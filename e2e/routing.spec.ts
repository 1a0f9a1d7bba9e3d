import { expect, test, type Page } from '@playwright/test';
import { shot, trajectoryUrl } from './helpers';

interface RoutingAnswer {
  trajectories: number;
  switches: { by_escalations: { escalations: string; trajectories: number }[] };
  confidence: { steps: number };
}

const ready = (page: Page) => expect(page.getByTestId('routing-page')).toHaveAttribute('data-ready', 'true');

test('the Routing page sets two runs side by side, and the URL restores it', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation').getByRole('link', { name: 'Routing' }).click();
  await expect(page).toHaveURL(/\/routing$/);
  await ready(page);
  // Without a run: one side, every run.
  await expect(page.getByTestId('figure-position').getByTestId('panel-A')).toContainText('All runs');
  await expect(page.getByTestId('figure-position').getByTestId('panel-B')).toHaveCount(0);

  // From a run on the overview: that run against all runs.
  await page.goto('/');
  await page.getByTestId('run-row').filter({ hasText: 'roro-s800' }).getByTestId('run-routing-link').click();
  await expect(page).toHaveURL(/\/routing\?run=roro-s800$/);
  await ready(page);
  await expect(page.getByTestId('figure-switches').getByTestId('panel-B')).toContainText('All runs');

  // Two runs side by side, and a filter: both in the URL.
  await page.getByLabel('Compared with').selectOption('outcome-rl');
  await expect(page).toHaveURL(/vs=outcome-rl/);
  await page.locator('select[name=correct]').selectOption('true');
  await expect(page).toHaveURL(/correct=true/);
  await ready(page);
  const url = page.url();

  const api = async (q: string) => (await (await page.request.get(`/api/routing?${q}`)).json()) as RoutingAnswer;
  const a = await api('run=roro-s800&correct=true');
  const b = await api('run=outcome-rl&correct=true');
  await expect(page.getByTestId('routing-totals')).toContainText(`A: ${a.trajectories} trajectories`);
  await expect(page.getByTestId('routing-totals')).toContainText(`B: ${b.trajectories} trajectories`);
  for (const figure of ['figure-position', 'figure-switches', 'figure-confidence', 'figure-quality']) {
    await expect(page.getByTestId(figure).getByTestId('caption')).not.toBeEmpty();
    await expect(page.getByTestId(figure).getByTestId('panel-A')).toContainText('roro-s800');
    await expect(page.getByTestId(figure).getByTestId('panel-B')).toContainText('outcome-rl');
  }
  await expect(page.getByTestId('position-chart')).toHaveCount(2);
  await shot(page, 'routing-two-runs');

  // A fresh load of the URL shows the same view.
  await page.goto('about:blank');
  await page.goto(url);
  await ready(page);
  await expect(page.getByLabel('Compared with')).toHaveValue('outcome-rl');
  await expect(page.locator('select[name=correct]')).toHaveValue('true');
  await expect(page.locator('select[name=run]')).toHaveValue('roro-s800');
  await expect(page.getByTestId('routing-totals')).toContainText(`B: ${b.trajectories} trajectories`);
});

test('a bar of the Routing page links to the trajectories behind it', async ({ page }) => {
  await page.goto('/routing?run=outcome-rl');
  await ready(page);
  const answer = (await (await page.request.get('/api/routing?run=outcome-rl')).json()) as RoutingAnswer;
  const one = answer.switches.by_escalations.find((e) => e.escalations === '1')!;
  expect(one.trajectories).toBeGreaterThan(0);
  const bars = page.getByTestId('figure-switches').getByTestId('panel-A').getByTestId('accuracy-by-escalations');
  await expect(bars).toContainText(`n = ${one.trajectories}`);
  await bars.getByTestId('column-link').nth(1).click();
  await expect(page).toHaveURL(/\/trajectories\?run=outcome-rl&escalations=1$/);
  await expect(page.getByTestId('trajectories-page')).toContainText(`${one.trajectories} trajector`);
  await expect(page.locator('select[name=escalations]')).toHaveValue('1');

  // The steps off the router's top choice: the trajectories that have any.
  await page.goto('/routing?run=outcome-rl');
  await ready(page);
  await page.getByTestId('figure-confidence').getByTestId('panel-A').getByTestId('off-argmax-link').click();
  await expect(page).toHaveURL(/off_argmax=true/);
  const list = (await (await page.request.get('/api/trajectories?run=outcome-rl&off_argmax=true&limit=1')).json()) as { total: number };
  expect(list.total).toBeGreaterThan(0);
  await expect(page.getByTestId('trajectories-page')).toContainText(`${list.total} trajector`);
});

test('the replay marks escalations and de-escalations and shows the router’s confidence', async ({ page }) => {
  const list = (await (await page.request.get('/api/trajectories?run=outcome-rl&escalations=2&limit=1')).json()) as { items: { id: string }[] };
  const id = list.items[0]!.id;
  const detail = (await (await page.request.get(`/api/trajectories/${encodeURIComponent(id)}`)).json()) as {
    steps: { index: number; escalation: 'up' | 'down' | null; chosen_probability: number | null; normalized_entropy: number | null }[];
  };
  const ups = detail.steps.filter((s) => s.escalation === 'up');
  const downs = detail.steps.filter((s) => s.escalation === 'down');
  expect(ups.length).toBe(2);

  await page.goto(trajectoryUrl(id));
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-ready', 'true');
  await expect(timeline).toHaveAttribute('data-escalations', String(ups.length));
  await expect(timeline).toHaveAttribute('data-deescalations', String(downs.length));

  const row = page.locator(`[data-testid=step-row][data-step="${ups[0]!.index}"]`);
  await expect(row.getByTestId('escalation')).toHaveAttribute('data-escalation', 'up');
  const withRouter = detail.steps.find((s) => s.chosen_probability !== null)!;
  await expect(page.locator(`[data-testid=step-row][data-step="${withRouter.index}"]`).getByTestId('router-confidence')).toContainText(
    `chosen p ${withRouter.chosen_probability!.toFixed(2)} · entropy ${withRouter.normalized_entropy!.toFixed(2)}`,
  );
  await shot(page, 'replay-escalations');
});
