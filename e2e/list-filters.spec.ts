import { expect, test, type Page } from '@playwright/test';
import { shot } from './helpers';

const settled = (page: Page) => expect(page.getByTestId('list-body')).toHaveAttribute('data-settled', 'true');
const apiTotal = async (page: Page, query: string) =>
  ((await (await page.request.get(`/api/trajectories?limit=1&${query}`)).json()) as { total: number }).total;

test('both cost bounds reach the URL: min, Tab, max, Enter; and a min typed before Next is not lost', async ({ page }) => {
  await page.goto('/trajectories');
  await settled(page);
  await page.getByLabel('Minimum cost').fill('0.002');
  await page.keyboard.press('Tab');
  await page.getByLabel('Maximum cost').fill('0.003');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/min_cost=0\.002/);
  await expect(page).toHaveURL(/max_cost=0\.003/);
  await settled(page);
  const total = await apiTotal(page, 'min_cost=0.002&max_cost=0.003');
  await expect(page.getByTestId('page-range')).toContainText(`of ${total.toLocaleString('en-US')}`);
  for (const c of await page.getByTestId('trajectory-row').locator('td[data-col=cost]').allInnerTexts()) {
    const v = Number(c.replace(/[$,]/g, ''));
    expect(v).toBeGreaterThanOrEqual(0.002);
    expect(v).toBeLessThanOrEqual(0.003);
  }
  // The boxes show what the list is filtered by.
  await expect(page.getByLabel('Minimum cost')).toHaveValue('0.002');
  await expect(page.getByLabel('Maximum cost')).toHaveValue('0.003');

  // A min typed, then Next at once: the min applies (from the first page), it is not dropped.
  await page.goto('/trajectories');
  await settled(page);
  await page.getByLabel('Minimum cost').fill('0.004');
  await page.getByTestId('next-page').click();
  await expect(page).toHaveURL(/min_cost=0\.004/);
  await settled(page);
  await expect(page.getByLabel('Minimum cost')).toHaveValue('0.004');
  await expect(page.getByTestId('page-range')).toContainText(`of ${(await apiTotal(page, 'min_cost=0.004')).toLocaleString('en-US')}`);
});

test('typed filters apply as they are typed; a bad number is shown on its field and the table stays', async ({ page }) => {
  await page.goto('/trajectories');
  await settled(page);
  // No Enter: a pause is enough, as for the search box.
  await page.getByLabel('Maximum cost').fill('0.01');
  await expect(page).toHaveURL(/max_cost=0\.01/);
  await page.locator('input[name=benchmark]').fill('GSM8K');
  await expect(page).toHaveURL(/benchmark=GSM8K/);
  await settled(page);

  await page.getByLabel('Minimum cost').fill('abc');
  await expect(page.getByTestId('field-error-min_cost')).toContainText('not a number');
  await expect(page.getByTestId('trajectory-row').first()).toBeVisible();
  await expect(page).not.toHaveURL(/min_cost/);

  // A bad value in a shared link: the rest of the filters apply, the field says what is wrong.
  await page.goto('/trajectories?min_cost=-1&run=roro-s800');
  await expect(page.getByTestId('field-error-min_cost')).toBeVisible();
  await expect(page.getByTestId('trajectory-row').first()).toBeVisible();
  await shot(page, 'trajectories-bad-number');
});

test('after Next the column headers are in view; the query reads as text; each row shows its steps by model', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/trajectories');
  await settled(page);
  await page.getByTestId('next-page').scrollIntoViewIfNeeded();
  await page.getByTestId('next-page').click();
  await expect(page).toHaveURL(/cursor=/);
  await settled(page);
  const header = await page.getByTestId('trajectory-table').locator('thead').boundingBox();
  expect(header!.y).toBeGreaterThanOrEqual(0);
  expect(header!.y).toBeLessThan(720);
  // Scrolled down, the header row stays under the app's header.
  await page.mouse.wheel(0, 1500);
  await expect.poll(async () => (await page.getByTestId('trajectory-table').locator('thead').boundingBox())!.y).toBeLessThan(80);

  for (const text of await page.getByTestId('query-excerpt').allInnerTexts()) {
    expect(text).not.toMatch(/\\/);
  }
  const bars = page.getByTestId('model-usage').first().locator('[data-model]');
  expect(await bars.count()).toBeGreaterThan(0);
});

test('at 800 px the list shows its figures without a sideways scroll', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await page.goto('/trajectories');
  await settled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const table = page.getByTestId('trajectory-table');
  const scrolls = await table.evaluate((t) => t.parentElement!.scrollWidth > t.parentElement!.clientWidth);
  expect(scrolls).toBe(false);
  for (const name of ['Steps', 'Cost', 'Process', 'Reward']) await expect(table.locator('thead').getByText(name, { exact: true })).toBeInViewport();
  await expect(page.getByTestId('trajectory-row').first().locator('td[data-col=cost]')).toBeInViewport();
  await shot(page, 'trajectories-800');
});
