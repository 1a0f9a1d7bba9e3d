// How the pages lay out as a person sees them: nothing widens the page on a phone, headers do not cover
// rows, texts cut short say the rest on hover, and lists and axes stay readable.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { shot, trajectoryUrl } from './helpers';
import { TRAINING_RUN } from './special-traces';

const REPLAY_ID = 'roro-s800/aime24-00/r0';

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

for (const [name, url, ready] of [
  ['overview', '/', 'runs-table'],
  ['trajectory list', '/trajectories', 'trajectory-table'],
  ['replay', trajectoryUrl(REPLAY_ID), 'step-row'],
] as const) {
  test(`the ${name} does not scroll sideways on a 390 px phone`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url);
    await expect(page.getByTestId(ready).first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    // The app's links scroll inside the bar, and every one of them is still there.
    const nav = page.getByTestId('app-nav');
    await expect(nav.getByRole('link')).toHaveCount(7);
    expect((await box(nav)).x + (await box(nav)).width).toBeLessThanOrEqual(390);
    await shot(page, `layout-390-${name.replace(/ /g, '-')}`);
  });
}

test('the list header row does not cover the first rows where the table scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/trajectories');
  const table = page.getByTestId('trajectory-table');
  const firstRow = table.locator('tbody tr').first();
  await expect(firstRow).toBeVisible();
  const head = await box(table.locator('thead'));
  expect((await box(firstRow)).y).toBeGreaterThanOrEqual(head.y + head.height - 1);
});

test('the list header row sticks under the app header on a wide screen', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/trajectories');
  const table = page.getByTestId('trajectory-table');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  await page.mouse.wheel(0, 1500);
  await expect.poll(async () => Math.round((await box(table.locator('thead'))).y)).toBe(48);
});

test('a card subtitle cut short carries its whole text, and the criterion picker shows plain text, not LaTeX', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(trajectoryUrl(REPLAY_ID));
  const form = page.getByTestId('add-judgment-form');
  await expect(form).toBeVisible();
  const subtitle = page.locator('section', { has: form }).locator('h2 + p');
  await expect(subtitle).toHaveAttribute('title', /a criterion the judges did not score/);
  const options = await form.getByLabel('criterion').locator('option').allTextContents();
  expect(options.length).toBeGreaterThan(0);
  // aime24-00's criteria speak of $77$ and $30 + 77 \cdot 4$.
  for (const o of options) expect(o).not.toMatch(/\$|\\[a-z]+/);
  expect(options.join(' ')).toContain('77');
});

test('the timeline legend stays inside its card at 1024 px and on a phone', async ({ page }) => {
  for (const width of [1024, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(trajectoryUrl(REPLAY_ID));
    await expect(page.getByTestId('step-row').first()).toBeVisible();
    const legend = page.getByText('$3.20 out /Mtok').first();
    const card = page.locator('section', { has: legend }).first();
    const l = await box(legend);
    const c = await box(card);
    expect(l.x + l.width).toBeLessThanOrEqual(c.x + c.width);
  }
});

test("a query's preference pairs come a page at a time", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/queries/aime24-00');
  const rows = page.getByTestId('pairs').locator('tbody tr');
  await expect(rows).toHaveCount(100);
  const more = page.getByTestId('pairs-more');
  await expect(more).toContainText(/100 of [\d,]+ pairs/);
  await more.getByRole('button').click();
  await expect(rows).toHaveCount(600);
  // The page stays a page, not a hundred screens of pairs.
  await page.goto('/queries/aime24-00');
  await expect(rows).toHaveCount(100);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(20_000);
});

test("the training cost axis's ticks all read differently", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/runs/${TRAINING_RUN.id}/training`);
  const ticks = page.getByTestId('chart-cost').locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect(ticks.first()).toBeVisible();
  const labels = await ticks.allTextContents();
  expect(labels.length).toBeGreaterThan(2);
  expect(new Set(labels).size).toBe(labels.length);
});

test("a docs page's scripts run under the page's content security policy", async ({ page }) => {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) refused.push(m.text());
  });
  await page.goto('/docs/trace-format');
  await expect(page.locator('h1').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(refused).toEqual([]);
  // Hydrated: a link to another page of the app navigates on the client.
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
  await page.getByTestId('app-nav').getByRole('link', { name: 'Exports' }).click();
  await expect(page).toHaveURL(/\/exports$/);
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
});

test("a docs page's tables keep their codes and numbers on one line, and its title is the largest heading", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/docs/api');
  const cell = page.locator('td code', { hasText: /^invalid_parameter$/ }).first();
  await expect(cell).toBeVisible();
  const line = await cell.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6);
  expect((await box(cell)).height).toBeLessThan(line * 1.5);
  const status = page.locator('th', { hasText: /^status$/ }).first();
  expect((await box(status)).height).toBeLessThan(40);
  expect(await pageWidth(page)).toBeLessThanOrEqual(1024);
  const size = (sel: string) =>
    page
      .locator(sel)
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(await size('h1')).toBeGreaterThan(await size('h2'));
  await shot(page, 'docs-api-table');
});
