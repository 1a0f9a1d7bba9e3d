import type { Page } from '@playwright/test';

/** Every test leaves a full-page screenshot in test-results/screenshots/ for a person to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** Records anything that script in page content could have done: dialogs and page errors. */
export function watchForScript(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

export const trajectoryUrl = (id: string) => `/trajectories/${encodeURIComponent(id)}`;
