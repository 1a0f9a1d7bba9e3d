import { expect, test } from '@playwright/test';
import { LONG_ID, LONG_STEPS, SHORT_ID } from './special-traces';
import { shot, trajectoryUrl } from './helpers';

const position = (page: import('@playwright/test').Page) => page.getByTestId('step-position');

/**
 * The timeline shows before the page's scripts run (the server's columns, painted while the HTML is
 * parsed); the keys, the sliders and the pointer answer once the page is hydrated.
 */
async function interactive(page: import('@playwright/test').Page, timeout?: number) {
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-ready', 'true', { timeout });
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-interactive', 'true', { timeout });
}

/** The element's box once the page has stopped scrolling it (two reads a few frames apart agree). */
async function stableBox(locator: import('@playwright/test').Locator) {
  let last = '';
  await expect
    .poll(async () => {
      const b = JSON.stringify(await locator.boundingBox());
      const same = b === last;
      last = b;
      return same;
    })
    .toBe(true);
  return JSON.parse(last) as { x: number; y: number; width: number; height: number };
}

test('the replay steps through a trajectory by keyboard and plays it', async ({ page }) => {
  await page.goto(trajectoryUrl(SHORT_ID));
  await interactive(page);
  await expect(page.getByTestId('step-text').first()).toBeVisible();
  await expect(position(page)).toContainText('step 1 of 50');

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await expect(position(page)).toContainText('step 4 of 50');
  await expect(page.locator('[data-testid=step-row][data-current=true]')).toHaveAttribute('data-step', '3');
  await page.keyboard.press('k');
  await expect(position(page)).toContainText('step 3 of 50');
  await page.keyboard.press('G');
  await expect(position(page)).toContainText('step 50 of 50');
  await expect(page.locator('[data-testid=step-row][data-step="49"] [data-testid=step-text]')).toBeVisible();
  await page.keyboard.press('g');
  await expect(position(page)).toContainText('step 1 of 50');

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
  await expect(position(page)).not.toContainText('step 1 of');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveAccessibleName('Play');

  // Clicking the timeline moves the playhead there (playing brought the steps into view: back up to it,
  // clear of the sticky header, which would take the click).
  await page.getByTestId('timeline').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await stableBox(page.getByTestId('timeline'));
  await page.mouse.click(box.x + box.width * 0.5 + 1, box.y + 5);
  await expect(position(page)).toContainText('step 26 of 50');
  await shot(page, 'replay-short');
});

test('lambda and mu recompute the reward through the scores route', async ({ page }) => {
  await page.goto(trajectoryUrl(SHORT_ID));
  // The page arrives rendered by the server; the sliders answer once it is hydrated.
  await interactive(page);
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
  await interactive(page, 30_000);
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-steps', String(LONG_STEPS));
  await expect(page.getByTestId('step-text').first()).toBeVisible();
  await expect(position(page)).toContainText('step 1 of 20,000');
  // Only the rows in view exist.
  expect(await page.getByTestId('step-row').count()).toBeLessThan(60);
  await page.keyboard.press('End');
  await expect(position(page)).toContainText('step 20,000 of 20,000');
  await expect(page.locator(`[data-testid=step-row][data-step="${LONG_STEPS - 1}"] [data-testid=step-text]`)).toBeVisible();
  await shot(page, 'replay-20000-steps');
});

test('the timeline of 20,000 steps shows before the page’s scripts run, painted from the columns that came with the HTML', async ({ page }) => {
  // None of the page's scripts loads: only the inline script beside the canvas runs.
  await page.route('**/_next/static/**/*.js', (r) => r.abort());
  await page.goto(trajectoryUrl(LONG_ID));
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-ready', 'true');
  await expect(timeline).toHaveAttribute('data-interactive', 'false');
  await expect(timeline).toHaveAttribute('data-steps', String(LONG_STEPS));
  // Every pixel column of the model row is painted, in the palette's colours (no grey of an unknown model).
  const row = await timeline.evaluate((c: HTMLCanvasElement) => {
    const dpr = window.devicePixelRatio || 1;
    const d = c.getContext('2d')!.getImageData(0, Math.round(15 * dpr), c.width, 1).data;
    let painted = 0;
    let grey = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 0) painted++;
      if (d[i] === 0x94 && d[i + 1] === 0xa3 && d[i + 2] === 0xb8) grey++;
    }
    return { painted: painted / c.width, grey, cssWidth: c.getBoundingClientRect().width };
  });
  expect(row.painted).toBeGreaterThan(0.95);
  expect(row.grey).toBe(0);
  expect(row.cssWidth).toBeGreaterThan(300);
});

test('stepping with j keeps the current step inside the window, at 1280x720 and 1440x900, and the last step reads "step 50 of 50"', async ({ page }) => {
  test.setTimeout(180_000);
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    await page.goto(trajectoryUrl(SHORT_ID));
    await interactive(page);
    await expect(page.getByTestId('step-text').first()).toBeVisible();
    for (let i = 1; i <= 12; i++) {
      await page.keyboard.press('j');
      await expect(position(page)).toContainText(`step ${i + 1} of 50`);
      const row = page.locator(`[data-testid=step-row][data-step="${i}"]`);
      await expect(row).toHaveAttribute('data-current', 'true');
      // Inside the window, not only inside the list's own scroll box.
      await expect
        .poll(
          async () => {
            const b = await row.boundingBox();
            return b !== null && b.y >= 0 && b.y + Math.min(b.height, 80) <= viewport.height;
          },
          { message: `step ${i} in the ${viewport.width}x${viewport.height} window` },
        )
        .toBe(true);
    }
    await page.keyboard.press('G');
    await expect(position(page)).toContainText('step 50 of 50');
    const last = await page.locator('[data-testid=step-row][data-step="49"]').boundingBox();
    expect(last!.y).toBeGreaterThanOrEqual(0);
    expect(last!.y).toBeLessThan(viewport.height);
    await shot(page, `replay-follow-${viewport.width}x${viewport.height}`);
  }
});
