import { expect, test } from '@playwright/test';
import { shot } from './helpers';

/** The list shows the rows of its current URL (not the previous page's, kept while loading). */
const settled = (page: import('@playwright/test').Page) => expect(page.getByTestId('list-body')).toHaveAttribute('data-settled', 'true');

test('filters, sorting and pages live in the URL, the back button restores them, and a row opens its replay', async ({ page }) => {
  await page.goto('/trajectories');
  const rows = page.getByTestId('trajectory-row');
  await expect(rows).toHaveCount(50);
  await expect(page.getByRole('heading', { name: 'Trajectories' })).toBeVisible();
  const { total } = (await (await page.request.get('/api/trajectories?limit=1')).json()) as { total: number };
  await expect(page.getByText(`${total.toLocaleString('en-US')} trajectories`)).toBeVisible();

  await page.locator('select[name=run]').selectOption('roro-s800');
  await expect(page).toHaveURL(/run=roro-s800/);
  await page.locator('select[name=correct]').selectOption('true');
  await expect(page).toHaveURL(/correct=true/);
  await settled(page);
  for (const outcome of await rows.locator('td[data-col=outcome]').allInnerTexts()) expect(outcome).toBe('correct');
  const filteredTotal = await page.getByTestId('page-range').innerText();

  await page.getByTestId('sort-cost').click();
  await expect(page).toHaveURL(/sort=cost&order=desc|order=desc.*sort=cost|sort=cost.*order=desc/);
  await settled(page);
  const costs = (await rows.locator('td[data-col=cost]').allInnerTexts()).map((t) => Number(t.replace(/[$,]/g, '')));
  expect(costs.length).toBeGreaterThan(1);
  expect([...costs].sort((a, b) => b - a)).toEqual(costs);

  await page.getByPlaceholder('text in the query…').fill('probability');
  await expect(page).toHaveURL(/q=probability/);
  await settled(page);
  for (const text of await rows.locator('td[data-col=query]').allInnerTexts()) expect(text.toLowerCase()).toContain('probability');
  await shot(page, 'trajectories-filtered');

  // Back: the search goes, the sort and filters stay.
  await page.goBack();
  await expect(page).not.toHaveURL(/q=probability/);
  await expect(page).toHaveURL(/sort=cost/);
  await settled(page);
  await expect(page.getByTestId('page-range')).toHaveText(filteredTotal);

  // Cursor pages: the next page starts after the first, and the URL holds its cursor.
  await page.locator('select[name=correct]').selectOption('');
  await settled(page);
  await expect(rows).toHaveCount(50);
  const firstPage = await rows.first().locator('td').first().innerText();
  await page.getByTestId('next-page').click();
  await expect(page).toHaveURL(/cursor=/);
  await settled(page);
  await expect(page.getByTestId('page-range')).toContainText('51–');
  expect(await rows.first().locator('td').first().innerText()).not.toBe(firstPage);

  const id = await rows.first().locator('td').first().innerText();
  await rows.first().locator('td').first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/trajectories/${encodeURIComponent(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  await expect(page.getByRole('heading', { name: id })).toBeVisible();
  await expect(page.getByTestId('step-text').first()).toBeVisible();
});
