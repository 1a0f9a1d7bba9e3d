import { expect, test } from '@playwright/test';
import { LONG_ID, LONG_STEPS, SHORT_ID } from './special-traces';
import { shot, trajectoryUrl } from './helpers';

const position = (page: import('@playwright/test').Page) => page.getByTestId('step-position');

test('the replay steps through a trajectory by keyboard and plays it', async ({ page }) => {
  await page.goto(trajectoryUrl(SHORT_ID));
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('step-text').first()).toBeVisible();
  await expect(position(page)).toContainText('step 0 of 50');

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await expect(position(page)).toContainText('step 3 of 50');
  await expect(page.locator('[data-testid=step-row][data-current=true]')).toHaveAttribute('data-step', '3');
  await page.keyboard.press('k');
  await expect(position(page)).toContainText('step 2 of 50');
  await page.keyboard.press('G');
  await expect(position(page)).toContainText('step 49 of 50');
  await expect(page.locator('[data-testid=step-row][data-step="49"] [data-testid=step-text]')).toBeVisible();
  await page.keyboard.press('g');
  await expect(position(page)).toContainText('step 0 of 50');

  await page.keyboard.press('?');
  await expect(page.getByTestId('keyboard-help')).toBeVisible();
  await shot(page, 'replay-keyboard-help');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('keyboard-help')).toBeHidden();

  // Space plays at the chosen speed and pauses again.
  await page.getByLabel('Playback speed').selectOption('25');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveAccessibleName('Pause');
  await expect(position(page)).not.toContainText('step 0 of');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveAccessibleName('Play');

  // Clicking the timeline moves the playhead there.
  const box = (await page.getByTestId('timeline').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5 + 1, box.y + 5);
  await expect(position(page)).toContainText('step 25 of 50');
  await shot(page, 'replay-short');
});

test('lambda and mu recompute the reward through the scores route', async ({ page }) => {
  await page.goto(trajectoryUrl(SHORT_ID));
  // The page arrives rendered by the server; the sliders answer once it is hydrated (the timeline is drawn then).
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-ready', 'true');
  const reward = page.getByTestId('reward-value');
  await expect(reward).toHaveAttribute('data-lambda', '0.5');
  const before = await reward.innerText();
  const answered = page.waitForResponse((r) => r.url().includes('/scores?lambda=1.5') && r.status() === 200);
  await page.getByTestId('lambda-slider').fill('1.5');
  await answered;
  await expect(reward).toHaveAttribute('data-lambda', '1.5');
  const after = await reward.innerText();
  expect(Number(after)).not.toBe(Number(before));
  // The process score does not depend on lambda; the reward moves by (1.5 - 0.5) * process.
  const process = Number(await page.getByTestId('process-score').innerText());
  expect(Number(after) - Number(before)).toBeCloseTo(process, 2);

  await page.getByTestId('mu-slider').fill('1');
  await expect(reward).toHaveAttribute('data-mu', '1');
  expect(Number(await reward.innerText())).toBeLessThan(Number(after));
  await shot(page, 'replay-reward');
});

test('a trajectory of 20,000 steps opens with its timeline and its first steps, and its last step loads on demand', async ({ page }) => {
  await page.goto(trajectoryUrl(LONG_ID));
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-steps', String(LONG_STEPS));
  await expect(page.getByTestId('step-text').first()).toBeVisible();
  await expect(position(page)).toContainText('step 0 of 20,000');
  // Only the rows in view exist.
  expect(await page.getByTestId('step-row').count()).toBeLessThan(60);
  await page.keyboard.press('End');
  await expect(position(page)).toContainText('step 19,999 of 20,000');
  await expect(page.locator(`[data-testid=step-row][data-step="${LONG_STEPS - 1}"] [data-testid=step-text]`)).toBeVisible();
  await shot(page, 'replay-20000-steps');
});
