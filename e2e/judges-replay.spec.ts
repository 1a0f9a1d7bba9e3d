// Several judges per item in the replay (#11.4): each judge's score and rationale side by side with
// the one human label of the item, which corrects all of them; a person adds a judgment the judges
// missed; relabelling as #16.7 asks (the saved score selected, revert to a judge's score, a History
// that covers nothing and closes on Esc); the labelling view's notice and `p` after a reload; and the
// rubric versions of a query with their diff (#11.5). Data: the "replay" block of e2e/special-traces.ts.
import { expect, test, type Locator } from '@playwright/test';
import { shot, trajectoryUrl } from './helpers';
import { MULTI_JUDGE_ID, RUBRIC_V1_TRAJECTORY_ID, RUBRIC_QUERY_ID, RUBRIC_V1_ID, RUBRIC_V2_ID, rubricV1Line } from './special-traces';

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

test('the replay shows both judges of an item, and one label corrects both', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(trajectoryUrl(MULTI_JUDGE_ID));
  const row = page.locator('[data-testid=step-row][data-step="1"]');
  const item = row.getByTestId('judgment-item').filter({ hasText: 'c1' });
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-judges', '2');
  const v2 = item.locator('[data-testid=judgment][data-judge="judge-a"]');
  const v3 = item.locator('[data-testid=judgment][data-judge="judge-b"]');
  await expect(v2.getByTestId('judge-score')).toHaveText('1');
  await expect(v3.getByTestId('judge-score')).toHaveText('0');
  await expect(v2).toContainText('judge-a: step 1 follows from step 0.');
  await expect(v3).toContainText('judge-b: step 1 skips a step.');
  // Side by side: the two judges share a line at this width.
  expect(Math.abs((await box(v2)).y - (await box(v3)).y)).toBeLessThan(2);
  await expect(item.getByTestId('item-label')).toContainText('no human label');

  // c2 on steps [2, 3] and [3, 2]: one item, shown on both of its steps.
  await expect(page.locator('[data-testid=step-row][data-step="2"] [data-testid=judgment-item]').filter({ hasText: 'c2' })).toHaveAttribute('data-judges', '2');

  const panel = item.getByTestId('judgment-label-panel');
  await panel.getByTestId('score-1').click();
  await panel.getByLabel('rationale').fill('step 1 is fine');
  await panel.getByTestId('save-label').click();
  await expect(panel.getByTestId('label-notice')).toContainText('Saved: 1');
  // The saved score looks selected, not the judge's.
  await expect(panel.getByTestId('score-1')).toHaveAttribute('aria-checked', 'true');
  await expect(panel.getByTestId('score-0')).toHaveAttribute('aria-checked', 'false');
  await expect(item.getByTestId('human-score')).toHaveText('1');
  await expect(item.getByTestId('item-label')).toContainText('corrects all 2 judgments');
  await expect(item.getByTestId('effective-score')).toHaveText('1');
  await expect(v3).toContainText('corrected by the label');
  await expect(v2).not.toContainText('corrected by the label');

  // The API agrees: both judgments of the item have the label's score.
  const scores = await (await page.request.get(`/api/trajectories/${encodeURIComponent(MULTI_JUDGE_ID)}/scores`)).json();
  const c1 = (scores.judgments as { criterion: string; steps: number[]; effective_score: number; source: string }[]).filter((j) => j.criterion === 'c1');
  expect(c1.map((j) => [j.effective_score, j.source])).toEqual([
    [1, 'human'],
    [1, 'human'],
  ]);

  // History: below the form, covering neither the rationale field nor Save; Esc closes it.
  await panel.getByTestId('history-button').click();
  const history = panel.getByTestId('history-panel');
  await expect(history.getByTestId('label-event')).toHaveCount(1);
  expect(overlaps(await box(history), await box(panel.getByLabel('rationale')))).toBe(false);
  expect(overlaps(await box(history), await box(panel.getByTestId('save-label')))).toBe(false);
  await shot(page, 'judges-replay-history');
  await page.keyboard.press('Escape');
  await expect(history).toHaveCount(0);

  // Revert to judge-b's score: an appended label like any revert.
  await panel.getByTestId('revert-to-judge').filter({ hasText: 'judge-b' }).click();
  await expect(panel.getByTestId('label-notice')).toContainText("Reverted to judge-b's score: 0");
  await expect(item.getByTestId('human-score')).toHaveText('0');
  await expect(panel.getByTestId('score-0')).toHaveAttribute('aria-checked', 'true');
  await panel.getByTestId('history-button').click();
  await expect(panel.getByTestId('label-event')).toHaveCount(2);
  await expect(panel.getByTestId('label-history')).toContainText("revert to judge-b's score");
  await page.keyboard.press('Escape');
});

test('a person adds a judgment the judges missed from the replay page', async ({ page }) => {
  await page.goto(trajectoryUrl(MULTI_JUDGE_ID));
  const card = page.getByTestId('add-judgment-card');
  await expect(card).toBeVisible();
  const form = card.getByTestId('add-judgment-form');
  // The steps field follows the current step.
  await expect(form.getByLabel('steps')).toHaveValue('0');
  await page.locator('[data-testid=step-row][data-step="5"]').click();
  await expect(form.getByLabel('steps')).toHaveValue('5');
  await form.getByLabel('criterion').selectOption('c2');
  // The chosen criterion is shown in full beside the plain-text option, with its weight and scale.
  await expect(form.getByTestId('add-judgment-criterion')).toContainText('c2');
  await expect(form.getByTestId('add-judgment-criterion')).toContainText('binary: 0 fails, 1 meets');
  await form.getByTestId('score-1').click();
  await form.getByLabel('rationale').fill('the last step is right');
  await form.getByTestId('add-judgment').click();
  await expect(form.getByTestId('add-judgment-message')).toContainText('on c2, step 5');
  const added = page.locator('[data-testid=step-row][data-step="5"] [data-testid=judgment-item]').filter({ hasText: 'c2' });
  await expect(added).toContainText('added by a person');
  await expect(added.getByTestId('human-score')).toHaveText('1');
  // The same item again is refused, with the judgment to label instead.
  await form.getByLabel('criterion').selectOption('c2');
  await form.getByTestId('score-0').click();
  await form.getByTestId('add-judgment').click();
  await expect(form.getByTestId('add-judgment-message')).toContainText('label it instead');
  // A step that does not exist is refused on the field.
  await form.getByLabel('steps').fill('2, 99');
  await expect(form.getByLabel('steps')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByTestId('add-judgment')).toBeDisabled();
});

test('the query page lists its rubric versions with a diff and the trajectories under each', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/queries/${encodeURIComponent(RUBRIC_QUERY_ID)}`);
  const card = page.getByTestId('rubric-versions');
  await expect(card.getByTestId('rubric-version')).toHaveCount(2);
  await card.getByTestId('rubric_a-select').selectOption(RUBRIC_V1_ID);
  await card.getByTestId('rubric_b-select').selectOption(RUBRIC_V2_ID);
  await expect(page).toHaveURL(/rubric_b=/);
  const row = (id: string) => card.locator(`[data-testid=rubric-diff-row][data-criterion="${id}"]`);
  await expect(row('c1')).toHaveAttribute('data-change', 'reweighted');
  await expect(row('c2')).toHaveAttribute('data-change', 'reworded reweighted');
  await expect(row('c2').getByTestId('text-before')).toContainText('The arithmetic is right.');
  await expect(row('c2').getByTestId('text-after')).toContainText('Every multiplication and addition is right.');
  await expect(row('c3')).toHaveAttribute('data-change', 'reweighted rescaled');
  await expect(row('c3')).toContainText('ternary −1/0/1 → numeric 0–10');
  await expect(row('c4')).toHaveAttribute('data-change', 'removed');
  await expect(row('c5')).toHaveAttribute('data-change', 'added');
  await expect(card.getByTestId('rubric-diff-summary')).toHaveText('1 added · 1 removed · 1 reworded · 3 reweighted · 1 rescaled');

  const under = (id: string) => card.locator(`[data-testid=rubric-trajectories][data-rubric="${id}"]`);
  await expect(under(RUBRIC_V1_ID).getByTestId('rubric-trajectory')).toHaveCount(1);
  await expect(under(RUBRIC_V1_ID).locator(`[data-trajectory="${RUBRIC_V1_TRAJECTORY_ID}"]`)).toBeVisible();
  await expect(under(RUBRIC_V2_ID).locator(`[data-trajectory="${MULTI_JUDGE_ID}"]`)).toBeVisible();
  // Side by side, each with its process score.
  expect(Math.abs((await box(under(RUBRIC_V1_ID))).y - (await box(under(RUBRIC_V2_ID))).y)).toBeLessThan(2);
  await expect(under(RUBRIC_V1_ID).getByTestId('process-score')).toHaveText(/^\d\.\d{3}$/);
  await expect(under(RUBRIC_V2_ID).getByTestId('process-score')).toHaveText(/^\d\.\d{3}$/);

  // The choice stays in the URL.
  await page.reload();
  await expect(card.getByTestId('rubric_a-select')).toHaveValue(RUBRIC_V1_ID);
  await shot(page, 'query-rubric-versions');
});

test('the labelling view keeps its notice on its item, and p works after a reload', async ({ page }) => {
  const made = await page.request.post('/api/queues', {
    data: { name: 'e2e rubric versions queue', filters: { query: RUBRIC_QUERY_ID }, rule: { rule: 'all' } },
  });
  expect(made.status()).toBe(201);
  const { queue } = (await made.json()) as { queue: { id: number } };
  await page.goto(`/annotate/${queue.id}`);
  const view = page.getByTestId('labelling-view');
  await expect(view).toBeVisible();
  const first = await view.getAttribute('data-item-id');
  const scale = await view.getByRole('radiogroup', { name: 'score' }).getByRole('radio').first().getAttribute('data-testid');
  await view.getByTestId(scale!).click();
  await view.getByTestId('submit-label').click();
  await expect(view).not.toHaveAttribute('data-item-id', first!);
  await expect(view).toHaveAttribute('aria-busy', 'false');
  // "Saved … on c1" was about the first item: it does not show on the next.
  await expect(view.getByTestId('label-notice')).toHaveCount(0);
  const second = await view.getAttribute('data-item-id');

  await page.reload();
  await expect(view).toHaveAttribute('data-item-id', second!);
  await page.keyboard.press('p');
  await expect(view).toHaveAttribute('data-item-id', first!);
  await page.keyboard.press('n');
  await expect(view).toHaveAttribute('data-item-id', second!);
});

test('a label made before a replace changed its steps is marked so in the replay and its history', async ({ page }) => {
  const line = { ...rubricV1Line(), id: 'e2e-probes/judges/replaced' };
  const ingest = (l: unknown, replace: boolean) =>
    page.request.post(`/api/ingest${replace ? '?replace=true' : ''}`, { data: `${JSON.stringify(l)}\n`, headers: { 'content-type': 'application/x-ndjson' } });
  expect((await ingest(line, false)).status()).toBe(200);
  const scores = await (await page.request.get(`/api/trajectories/${encodeURIComponent(line.id)}/scores`)).json();
  const c1 = (scores.judgments as { id: number; criterion: string; version: number }[]).find((j) => j.criterion === 'c1')!;
  const labelled = await page.request.post(`/api/judgments/${c1.id}/labels`, { data: { score: 0, expected_version: c1.version } });
  expect(labelled.status()).toBe(201);
  const changed = { ...line, steps: line.steps.map((s, i) => (i === 1 ? { ...s, text: `${s.text} (rewritten)` } : s)) };
  expect((await ingest(changed, true)).status()).toBe(200);

  await page.goto(trajectoryUrl(line.id));
  const item = page.locator('[data-testid=step-row][data-step="1"] [data-testid=judgment-item]').filter({ hasText: 'c1' });
  await expect(item.getByTestId('item-label')).toContainText('made on earlier content');
  await item.getByTestId('history-button').click();
  await expect(item.getByTestId('earlier-content')).toHaveCount(1);
});
