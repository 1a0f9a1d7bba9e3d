// The agreement page on the e2e data's judged run (e2e/special-traces.ts, "Judges"): three judges and
// people on one rubric. The leaderboard shows every judge with 95% intervals; a figure that rests on
// fewer than 10 items shows "—" with its n; the judge selector changes the figures and stays in the URL.
import { expect, test } from '@playwright/test';
import { shot } from './helpers';
import { JUDGE_NAMES, JUDGES_RUN, JUDGES_TERNARY_LABELLED } from './special-traces';

const PAGE = `/agreement?run=${JUDGES_RUN}`;

test('the judge leaderboard ranks every judge with intervals', async ({ page }) => {
  await page.goto(PAGE);
  const board = page.getByTestId('judge-leaderboard');
  await expect(board.getByTestId('leaderboard-row')).toHaveCount(JUDGE_NAMES.length);
  // The e2e data make judge-v4 agree best and judge-v2 worst on the binary criterion.
  await expect(board.getByTestId('leaderboard-row').first()).toHaveAttribute('data-judge', 'judge-v4');
  await expect(board.getByTestId('leaderboard-row').last()).toHaveAttribute('data-judge', 'judge-v2');
  for (const row of await board.getByTestId('leaderboard-row').all()) {
    await expect(row.getByTestId('interval')).toHaveCount(2);
    await expect(row.getByTestId('interval').nth(1)).toHaveText(/^\[-?\d\.\d{3}, -?\d\.\d{3}\]$/);
    await expect(row.getByTestId('board-kappa-value')).toHaveText(/^-?\d\.\d{3}$/);
  }
  await expect(page.getByTestId('leaderboard-verdict')).toContainText('95%');
  await expect(page.getByTestId('agreement-over-time')).toBeVisible();
  await expect(page.getByTestId('agreement-over-steps')).toBeVisible();
  await shot(page, 'agreement-leaderboard');
});

test('figures that rest on fewer than 10 items show — with their n, never a kappa', async ({ page }) => {
  // judge-v2 alone: its 6 ternary judgments (every judge together has 18).
  await page.goto(`${PAGE}&board=kind:ternary&judge=judge-v2`);
  const board = page.getByTestId('judge-leaderboard');
  await expect(board.getByTestId('leaderboard-row')).toHaveCount(JUDGE_NAMES.length);
  for (const row of await board.getByTestId('leaderboard-row').all()) {
    await expect(row.getByTestId('board-kappa-value')).toHaveText('—');
    await expect(row.getByTestId('board-kappa')).toContainText(`n=${JUDGES_TERNARY_LABELLED}`);
    await expect(row.getByTestId('interval')).toHaveCount(0);
  }
  const tidy = page.locator('[data-testid="criterion-agreement"][data-criterion="tidy"]');
  await expect(tidy.getByTestId('criterion-kappa-value')).toHaveText('—');
  await expect(tidy).not.toContainText('1.000');
  // "differing items" only where some differ: between people, the crux items agree.
  const crux = page.locator('[data-testid="criterion-agreement"][data-criterion="crux"]');
  await expect(crux.getByTestId('criterion-kappa-value')).toHaveText(/^-?\d\.\d{3}$/);
  await expect(crux.getByTestId('differing-items')).toHaveCount(1);
  await shot(page, 'agreement-few-items');
});

test('the judge selector changes the figures and stays in the URL', async ({ page }) => {
  await page.goto(PAGE);
  const kappa = page.getByTestId('overall-kappa-value');
  await expect(kappa).toHaveText(/^-?\d\.\d{3}$/);
  const pooled = await kappa.textContent();
  await page.getByTestId('judge-select').selectOption('judge-v2');
  await expect(page).toHaveURL(/judge=judge-v2/);
  await expect(page.getByTestId('figures-heading')).toHaveText('judge-v2 and people');
  await expect(kappa).not.toHaveText(pooled!);
  const v2 = await kappa.textContent();
  // The overall kappa pools binary and ternary; per kind it is the leaderboard's figure.
  const binaryKappa = page.locator('[data-testid="kind-agreement"][data-kind="binary"]').getByTestId('criterion-kappa-value');
  await expect(page.locator('[data-testid="leaderboard-row"][data-judge="judge-v2"]').getByTestId('board-kappa-value')).toHaveText(
    (await binaryKappa.textContent())!,
  );
  await page.reload();
  await expect(page.getByTestId('judge-select')).toHaveValue('judge-v2');
  await expect(kappa).toHaveText(v2!);
  await page.getByTestId('judge-select').selectOption('');
  await expect(page).not.toHaveURL(/judge=/);
  await expect(kappa).toHaveText(pooled!);
});

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
  [800, 900],
] as const) {
  test(`the agreement page fits ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto(PAGE);
    await expect(page.getByTestId('judge-leaderboard')).toBeVisible();
    await expect(page.getByTestId('agreement-over-time')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, `agreement-${width}`);
  });
}
