import { expect, test } from '@playwright/test';
import { shot } from './helpers';

test('two trajectories of a query open side by side from the query page, with the rule that prefers one', async ({ page }) => {
  await page.goto('/queries/' + encodeURIComponent('math500-0037'));
  await expect(page.getByTestId('query-text')).toContainText('dice');
  await expect(page.getByTestId('rubric')).toBeVisible();
  await expect(page.getByTestId('pairs').locator('tbody tr').first()).toBeVisible();
  await shot(page, 'query');

  const rows = page.getByTestId('query-trajectories').locator('tbody tr');
  await rows.filter({ hasText: 'roro-s800/math500-0037/r0' }).getByRole('checkbox').check();
  await rows.filter({ hasText: 'all-small/math500-0037/r0' }).getByRole('checkbox').check();
  await page.getByTestId('compare-picked').click();

  await expect(page).toHaveURL(/\/compare\?a=.+&b=.+/);
  await expect(page.getByTestId('side-A')).toContainText('roro-s800/math500-0037/r0');
  await expect(page.getByTestId('side-B')).toContainText('all-small/math500-0037/r0');
  const decision = page.getByTestId('pair-decision');
  await expect(decision).toContainText(/The rules choose (A|B) over (A|B) by|No rule decides/);
  await expect(decision.locator('li').first()).toContainText('outcome');
  await expect(page.getByTestId('compare-row').first()).toContainText('#0');
  await expect(page.getByTestId('compare-row').first().locator('.katex, p').first()).toBeVisible();
  await shot(page, 'compare');
  // The rules are named for what they are, with the page that states them.
  const rules = page.getByRole('link', { name: "routelens's preference rules" });
  await expect(rules).toHaveAttribute('href', '/docs/scoring#preference-pairs');

  // The chosen side agrees with the pairs route.
  const chosenSide = (await page.getByTestId('side-A').getByText('chosen').count()) > 0 ? 'roro-s800/math500-0037/r0' : 'all-small/math500-0037/r0';
  const pairs = await (await page.request.get('/api/queries/math500-0037/pairs')).json();
  const pair = pairs.pairs.find(
    (p: { chosen: string; rejected: string }) =>
      [p.chosen, p.rejected].includes('roro-s800/math500-0037/r0') && [p.chosen, p.rejected].includes('all-small/math500-0037/r0'),
  );
  expect(pair?.chosen).toBe(chosenSide);

  await rules.click();
  await expect(page).toHaveURL(/\/docs\/scoring#preference-pairs$/);
  await expect(page.locator('h2#preference-pairs')).toBeInViewport();
  await expect(page.getByTestId('doc-page').locator('table').first()).toBeVisible();
});
