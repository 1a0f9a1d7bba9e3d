import { expect, test } from '@playwright/test';
import { HOSTILE_ID } from './special-traces';
import { shot, trajectoryUrl, watchForScript } from './helpers';

test('step texts that hold HTML or KaTeX link commands show as text and run nothing', async ({ page }) => {
  const seen = watchForScript(page);
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1')) outside.push(r.url());
  });
  await page.goto(trajectoryUrl(HOSTILE_ID));
  const texts = page.getByTestId('step-text');
  // The first steps are in the list (the last ones may be virtualized away until scrolled to).
  await expect(texts.nth(4)).toBeVisible();
  await expect(texts.nth(0)).toHaveText('<img src=x onerror=alert(1)>');
  await expect(texts.nth(1)).toHaveText('<script>alert(1)</script>');
  await expect(texts.nth(4)).toContainText('<img src=x onerror="window.__xss=1">');
  // KaTeX with trust off shows the command, makes no link and no attribute.
  await expect(texts.nth(2)).toContainText('\\href');
  await expect(texts.nth(3)).toContainText('\\htmlClass');
  // The list is virtualized: bring the last step in (its row may have left the list as rows were measured).
  await page.keyboard.press('G');
  await expect(page.locator('[data-testid=step-row][data-step="6"] [data-testid=step-text] .katex')).toHaveCount(1);
  await expect(page.locator('[data-testid=step-row][data-step="6"] [data-testid=step-text]')).toContainText(
    '<a href="javascript:window.__xss=1">raw anchor</a>',
  );

  const page$ = page.locator('main');
  await expect(page$.locator('[data-testid=step-text] img, [data-testid=step-text] script, [data-testid=step-text] svg')).toHaveCount(0);
  await expect(page$.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(page$.locator('.evil, #evil, [data-x]')).toHaveCount(0);
  await expect(page.getByTestId('query-text')).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(page.getByTestId('judgment').first()).toContainText('<img src=x onerror="window.__xss=1"> rationale');

  // Give any handler a chance to fire, then check that none did.
  await page.mouse.move(300, 400);
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(seen.dialogs).toEqual([]);
  // Nothing threw either: a hostile text that broke the page (or a handler that ran and failed) shows here.
  expect(seen.errors).toEqual([]);
  expect(outside).toEqual([]);
  await shot(page, 'xss-probe');
});

test('the Content Security Policy allows only nonce scripts: inline handlers that slipped into the page do not run', async ({ page }) => {
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  const scriptSrc =
    csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src')) ?? '';
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(csp).toContain("object-src 'none'");
  // The app's own scripts run (they carry the nonce): the page hydrates and works.
  await expect(page.getByRole('link', { name: 'Trajectories' }).first()).toBeVisible();

  const violations = await page.evaluate(async () => {
    const seen: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
    // Markup that escaped every other guard: inline event handlers. (A script element made here would
    // prove nothing: code run through the browser's debugging protocol counts as the page's own.)
    const host = document.createElement('div');
    host.innerHTML = '<button id="csp-probe" onclick="window.__csp = 1">x</button><img src="data:," onerror="window.__csp = 2" onload="window.__csp = 3">';
    document.body.appendChild(host);
    (document.getElementById('csp-probe') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 300));
    return seen;
  });
  expect(await page.evaluate(() => (window as unknown as { __csp?: unknown }).__csp)).toBeUndefined();
  expect(violations.length).toBeGreaterThan(0);
});
