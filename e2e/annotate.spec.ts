// Sign in, build a queue of 5 judgments, label them by keyboard only, and see the agreement page
// move — against an app of its own with sign-in on (e2e/annotate-server.ts), in a real Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { shot } from './helpers';
import { freePort } from '../scripts/free-port';

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN = { username: 'e2e-admin', password: 'e2e admin password' };

let server: ChildProcess | null = null;
let base = '';

test.beforeAll(async () => {
  test.setTimeout(600_000);
  const port = await freePort();
  // Its own process group, so that the teardown reaches tsx, its node and `next start` together.
  server = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'e2e/annotate-server.ts', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.once('exit', (code) => reject(new Error(`annotate-server exited with ${code}`)));
  });
});

test.afterAll(async () => {
  if (!server?.pid || server.exitCode !== null) return;
  const exited = new Promise((r) => server!.once('exit', r));
  // The server drops its database on SIGTERM; the whole group gets it.
  process.kill(-server.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/annotate`);
  await expect(page).toHaveURL(/\/login\?next=%2Fannotate/);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('wrong username or password')).toBeVisible();
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${base}/annotate`);
  await expect(page.getByTestId('user-menu')).toContainText('e2e-admin');
}

const itemId = (page: Page) => page.getByTestId('labelling-view').getAttribute('data-item-id');

test('sign in, label a queue of 5 by keyboard, and the agreement page follows', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page);

  await page.goto(`${base}/agreement`);
  await expect(page.getByText('No human label yet')).toBeVisible();

  await page.goto(`${base}/annotate`);
  await page.getByTestId('new-queue').click();
  const form = page.getByTestId('queue-form');
  await form.locator('input[name=name]').fill('five for the e2e test');
  await form.locator('select[name=rule]').selectOption('sample');
  await form.locator('input[name=n]').fill('5');
  await form.locator('textarea[name=guidelines]').fill('Score the **step**, not the answer: $x^2$ is fine.');
  await form.getByRole('button', { name: 'Create queue' }).click();
  const row = page.getByTestId('queue-row').filter({ hasText: 'five for the e2e test' });
  await expect(row).toContainText('0 / 5');
  await row.getByTestId('start-labelling').click();

  const view = page.getByTestId('labelling-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('guidelines')).toContainText('Score the step');
  await expect(page.getByTestId('criterion-text')).not.toBeEmpty();
  await expect(page.getByTestId('my-progress')).toContainText('0 / 5');

  await page.keyboard.press('?');
  await expect(page.getByTestId('key-help')).toBeVisible();
  await shot(page, 'annotate-help');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('key-help')).toBeHidden();

  // n passes over the first item, p comes back to it.
  const first = await itemId(page);
  await page.keyboard.press('n');
  await expect(view).not.toHaveAttribute('data-item-id', first!);
  await page.keyboard.press('p');
  await expect(view).toHaveAttribute('data-item-id', first!);

  const labelled = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const current = (await itemId(page))!;
    expect(labelled.has(current)).toBe(false);
    // "1" is on every scale the generator writes: binary 1, ternary +1, numeric 0..10 and 1..5.
    await page.keyboard.press('1');
    await expect(page.getByTestId('score-1')).toHaveAttribute('aria-checked', 'true');
    if (i === 0) await shot(page, 'annotate-item');
    await page.keyboard.press('Enter');
    labelled.add(current);
    if (i < 4) await expect(view).not.toHaveAttribute('data-item-id', current);
  }
  await expect(page.getByText('Nothing left for you in this queue')).toBeVisible();
  await expect(page.getByTestId('my-progress')).toContainText('5 / 5');

  await page.goto(`${base}/agreement`);
  await expect(page.getByTestId('labelled-items')).toHaveText('5 labelled items');
  // Figures per scale kind across rubrics; criteria one rubric at a time (the demo has a rubric per query).
  await expect(page.getByTestId('kind-agreement').first()).toBeVisible();
  await expect(page.getByTestId('criterion-agreement').or(page.getByTestId('rubric-list')).first()).toBeVisible();
  await shot(page, 'agreement');

  await page.goto(`${base}/annotate`);
  await expect(page.getByTestId('queue-row').filter({ hasText: 'five for the e2e test' })).toContainText('5 / 5');
});

test('the replay panel relabels, tells who changed a judgment meanwhile, and keeps the history', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page);
  const list = await (await page.request.get(`${base}/api/trajectories?run=roro-s800&limit=1`)).json();
  const id: string = list.items[0].id;
  const url = `${base}/trajectories/${encodeURIComponent(id)}`;

  const other = await browser.newContext();
  const annotator = await other.newPage();
  await annotator.goto(`${base}/login`);
  await annotator.getByLabel('Username').fill('e2e-annotator');
  await annotator.getByLabel('Password').fill('e2e annotator password');
  await annotator.getByRole('button', { name: 'Sign in' }).click();
  await expect(annotator.getByTestId('user-menu')).toContainText('e2e-annotator');

  await page.goto(url);
  await annotator.goto(url);
  const mine = page.getByTestId('judgment-label-panel').first();
  const theirs = annotator.getByTestId('judgment-label-panel').first();
  await expect(mine).toBeVisible();
  await expect(theirs).toBeVisible();
  const judgmentId = await mine.getAttribute('data-judgment-id');
  expect(await theirs.getAttribute('data-judgment-id')).toBe(judgmentId);

  await mine.getByRole('radio').first().click();
  await mine.getByTestId('save-label').click();
  await expect(mine.getByTestId('label-notice')).toContainText('Saved');

  // The annotator's page still shows the version from before: the write is refused and explained.
  await theirs.getByRole('radio').last().click();
  await theirs.getByTestId('save-label').click();
  await expect(theirs.getByTestId('label-conflict')).toContainText('Changed meanwhile: e2e-admin set');
  await expect(theirs.getByTestId('label-conflict')).toContainText('your label was not saved');
  await shot(annotator, 'label-conflict');
  // The choice stays after a 409: reviewing and saving again goes against the new version.
  await expect(theirs.getByRole('radio').last()).toHaveAttribute('aria-checked', 'true');
  await theirs.getByTestId('save-label').click();
  await expect(theirs.getByTestId('label-notice')).toContainText('Saved');

  await theirs.getByTestId('history-button').click();
  await expect(theirs.getByTestId('label-event')).toHaveCount(2);
  await expect(theirs.getByTestId('label-history')).toContainText('e2e-admin');
  await expect(theirs.getByTestId('label-history')).toContainText('e2e-annotator');
  await shot(annotator, 'label-history');
  await other.close();
});

test('an admin adds a user and an API key, each shown once, revokes the key and signs out', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Users and API keys' }).click();
  await expect(page.getByTestId('users-table')).toContainText('e2e-annotator');

  const form = page.getByTestId('new-user-form');
  await form.getByLabel('username').fill('e2e-viewer');
  await form.getByLabel('role').selectOption('viewer');
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByTestId('secret')).toContainText('Password of e2e-viewer');
  await page.getByTestId('secret').getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('users-table')).toContainText('e2e-viewer');

  await page.getByLabel('key name').fill('nightly ingest');
  await page.getByLabel('scope').selectOption('ingest');
  await page.getByRole('button', { name: 'Make key' }).click();
  await expect(page.getByTestId('secret')).toContainText('rl_');
  const key = (await page.getByTestId('secret').locator('code').textContent())!;
  const asKey = { headers: { authorization: `Bearer ${key}`, cookie: '' } };
  // An ingest key reads the runs it checks its work against, and nothing else.
  expect((await page.request.get(`${base}/api/runs`, asKey)).status()).toBe(200);
  expect((await page.request.get(`${base}/api/auth/me`, asKey)).status()).toBe(403);
  await page.getByTestId('secret').getByRole('button', { name: 'Done' }).click();
  await expect(
    page
      .getByTestId('api-keys-table')
      .getByRole('row', { name: /nightly ingest/ })
      .getByTestId('api-key-scope'),
  ).toHaveText('ingest');
  await shot(page, 'admin-users');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('api-keys-table').getByRole('button', { name: 'Revoke' }).first().click();
  await expect(page.getByTestId('api-keys-table')).toContainText('revoked');

  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${base}/agreement`);
  await expect(page).toHaveURL(/\/login\?next=%2Fagreement/);
});
