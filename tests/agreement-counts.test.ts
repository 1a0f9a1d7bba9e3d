// GET /api/agreement reads count tables that labels, ingest, replace, reverts, a person's judgment,
// deletion and renaming keep (lib/db/agreement-counts.ts). After each kind of change: every count
// table equals its recomputation (tests/helpers/rollups.ts), every trajectory's stored part equals
// one counted afresh, and every answer of the route equals the one counted from the items
// (`{ live: true }`, the queries as they were before the counts) for each filter and setting.
import { describe, expect, it } from 'vitest';
import { AgreementDeltas, syncAgreement } from '@/lib/db/agreement-counts';
import { withTransaction } from '@/lib/db/pool';
import type { Actor } from '@/lib/server/auth';
import { deleteRun, deleteTrajectories } from '@/lib/server/deletion';
import { addHumanJudgment, addLabel, revertToLabel } from '@/lib/server/labels';
import { agreement, agreementByJudge, agreementSeries } from '@/lib/server/queries/agreement';
import { renameRun } from '@/lib/server/run-rename';
import { createUser } from '@/lib/server/users';
import type { AgreementRequest } from '@/lib/schemas/read';
import os from 'node:os';
import path from 'node:path';
import { useTestDatabase } from './helpers/db';
import { expectRollupsExact } from './helpers/rollups';
import { baseLine, ingestText, jsonl, type Json } from './helpers/trace';

const db = useTestDatabase('agreecounts');

const RUBRICS = [
  {
    id: 'ac/r1',
    criteria: [
      { id: 'b', text: 'The crux goes to the large model.', weight: 1, scale: { kind: 'binary' } },
      { id: 't', text: 'No wasted steps.', weight: 1, scale: { kind: 'ternary' } },
      { id: 'n', text: 'Routine work stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 4 } },
    ],
  },
  {
    id: 'ac/r2',
    criteria: [
      { id: 'b', text: 'Escalates only when stuck.', weight: 1, scale: { kind: 'binary' } },
      { id: 'n', text: 'Cost stays low.', weight: 2, scale: { kind: 'numeric', min: 1, max: 10 } },
    ],
  },
];

/** Scores drawn from i, so the judges disagree with people (and each other) here and there. */
const pick = (i: number, k: number, values: readonly number[]) => values[(i * 7 + k * 3) % values.length]!;

function line(i: number, variant = 0): Json {
  const rubric = RUBRICS[i % 2]!;
  const run = i % 3 === 0 ? 'ac-b' : 'ac-a';
  const judgments: Json[] = [];
  const items: Json[] = [];
  const when = (d: number) => `2026-11-${String(2 + ((i + d) % 12)).padStart(2, '0')}T${i % 2 ? '23:30' : '00:15'}:00Z`;
  for (const [k, c] of rubric.criteria.entries()) {
    const values =
      c.scale.kind === 'binary' ? [0, 1] : c.scale.kind === 'ternary' ? [-1, 0, 1] : c.id === 'n' && rubric.id === 'ac/r1' ? [0, 1, 2, 3, 4] : [1, 4, 7, 10];
    const steps = c.scale.kind === 'binary' ? [] : [k % 2];
    judgments.push({ criterion: c.id, steps, score: pick(i + variant, k, values), judge: 'A' });
    if ((i + k) % 4 !== 0) judgments.push({ criterion: c.id, steps, score: pick(i + 1, k + variant, values), judge: 'B' });
    if (i % 5 === 1) judgments.push({ criterion: c.id, steps, score: pick(i, k + 2, values) });
    if ((i + k) % 3 === 2) continue;
    const labels: Json[] = [{ version: 1, score: pick(i, k + 1, values), author: 'ann', created_at: when(k) }];
    if (i % 4 === 1) labels.push({ version: 2, score: pick(i + 2, k, values), author: 'bo', created_at: when(k + 3) });
    items.push({ criterion: c.id, steps, labels });
  }
  return baseLine(`ac/${i}`, {
    run: { id: run, policy: 'roro' },
    query: { id: `ac-q${i % 4}`, benchmark: 'MATH500', text: `Query ${i % 4}.` },
    rubric,
    judgments,
    ...(run === 'ac-a' ? { training: { step: i % 3 } } : {}),
    meta: { routelens: { items } },
  });
}

const LINES = Array.from({ length: 18 }, (_, i) => line(i));

async function annotator(): Promise<Actor> {
  const u = await createUser({ username: 'counts-annotator', role: 'annotator', password: 'correct horse battery' });
  return { userId: u.id, username: 'counts-annotator', name: 'counts-annotator', role: 'annotator', via: 'session' };
}

/** Every request shape of the route, by the filters and settings that the stored counts serve or not. */
async function requests(): Promise<AgreementRequest[]> {
  const runs = (await db.pool().query<{ id: string }>('SELECT id FROM runs ORDER BY id')).rows.map((r) => r.id);
  const base: AgreementRequest[] = [
    {},
    { judge: 'A' },
    { judge: 'judge' },
    { rubric: 'ac/r1' },
    { criterion: 'n' },
    { rubric: 'ac/r2', criterion: 'b', judge: 'B' },
  ];
  for (const run of runs) base.push({ run }, { run, judge: 'B' }, { run, rubric: 'ac/r1' });
  return base as AgreementRequest[];
}

async function expectCountsExact(): Promise<void> {
  expect(await expectRollupsExact()).toEqual(
    expect.arrayContaining(['agreement_cells', 'agreement_days', 'agreement_items', 'agreement_people', 'agreement_steps']),
  );
  // Each trajectory's stored part is the one counted now: syncing moves nothing (rolled back).
  const undo = new Error('rolled back');
  await withTransaction(async (client) => {
    const pks = (await client.query<{ pk: number }>('SELECT pk FROM trajectories ORDER BY pk')).rows.map((r) => r.pk);
    const deltas = new AgreementDeltas();
    await syncAgreement(client, pks, deltas);
    expect(deltas.empty, 'a stored part differs from its recount').toBe(true);
    throw undo;
  }).catch((e: unknown) => {
    if (e !== undo) throw e;
  });
  const judges = (await db.pool().query<{ name: string }>("SELECT name FROM judges WHERE name <> '' ORDER BY name")).rows.map((r) => r.name);
  for (const params of await requests()) {
    if (params.judge !== undefined && !judges.includes(params.judge)) continue;
    const what = JSON.stringify(params);
    expect(await agreement(params), `agreement ${what}`).toEqual(await agreement(params, { live: true }));
    expect(await agreementByJudge(params), `by judge ${what}`).toEqual(await agreementByJudge(params, { live: true }));
    for (const over of ['day', 'week', 'step'] as const) {
      expect(await agreementSeries({ ...params, over }), `series ${over} ${what}`).toEqual(await agreementSeries({ ...params, over }, { live: true }));
    }
  }
}

describe('the agreement counts stay equal to counting from the items', () => {
  it('after ingesting trajectories with labels (restored, two people on some items)', async () => {
    const s = await ingestText(jsonl(LINES));
    expect(s).toMatchObject({ stored: LINES.length, failed: 0 });
    const counted = await db
      .pool()
      .query<{ n: number; people: number }>('SELECT (SELECT sum(n) FROM agreement_cells)::int AS n, (SELECT count(*) FROM agreement_people)::int AS people');
    expect(counted.rows[0]!.n).toBeGreaterThan(40);
    expect(counted.rows[0]!.people).toBeGreaterThan(3);
    await expectCountsExact();
    const byJudge = await agreementByJudge({});
    expect(byJudge.judges.map((j) => j.judge)).toEqual(['A', 'B', 'judge']);
  });

  it('after replacing trajectories with other judge scores, and a judge dropped', async () => {
    const changed = LINES.filter((_, i) => i % 3 === 1).map((_, k) => {
      const i = [...LINES.keys()].filter((x) => x % 3 === 1)[k]!;
      const l = line(i, 1) as { judgments: Json[] };
      return { ...l, judgments: l.judgments.filter((j) => (j as { judge?: string }).judge !== 'B' || i % 2 === 0) };
    });
    const s = await ingestText(jsonl(changed), { replace: true });
    expect(s).toMatchObject({ replaced: changed.length, failed: 0 });
    await expectCountsExact();
  });

  it('after relabelling, reverting to an earlier label and to the judge, and a person’s judgment', async () => {
    const actor = await annotator();
    const picked = await db.pool().query<{ id: number; judge_score: number; version: number; kind: string }>(
      `SELECT DISTINCT ON (j.item_id) j.id, j.judge_score, i.version, c.kind FROM judgments j
         JOIN items i ON i.id = j.item_id
         JOIN trajectories t ON t.pk = j.trajectory_pk
         JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
        WHERE c.kind = 'binary' AND j.judge_score IS NOT NULL ORDER BY j.item_id, j.id LIMIT 12`,
    );
    expect(picked.rows.length).toBeGreaterThan(8);
    const written = [];
    for (const j of picked.rows)
      written.push({ j, w: await addLabel(actor, j.id, { score: 1 - j.judge_score, rationale: null, expected_version: j.version }) });
    await expectCountsExact();
    // Reverts: half to the item's earlier label where it has one, the rest to the judge's score.
    for (const [k, { j, w }] of written.entries()) {
      const earlier = (
        await db
          .pool()
          .query<{ id: number }>('SELECT id FROM labels WHERE item_id = $1 AND id <> $2 ORDER BY version LIMIT 1', [w.judgment.item.id, w.label.id])
      ).rows[0];
      if (k % 2 === 0 && earlier) await revertToLabel(actor, j.id, { label_id: earlier.id, rationale: null, expected_version: w.version });
      else await revertToLabel(actor, j.id, { to: 'judge', rationale: null, expected_version: w.version });
    }
    await addHumanJudgment(actor, 'ac/4', { criterion: 'b', steps: [0, 1], score: 1, rationale: null });
    await addHumanJudgment(actor, 'ac/5', { criterion: 'n', steps: [0, 1], score: 7, rationale: null });
    await expectCountsExact();
  });

  it('after renaming a run, deleting trajectories and deleting a whole run', async () => {
    await renameRun('ac-b', 'ac-b2');
    await expectCountsExact();
    const dir = os.tmpdir();
    await deleteTrajectories(['ac/1', 'ac/2', 'ac/7'], { withLabels: true, labelsFile: path.join(dir, `routelens-agreecounts-${process.pid}.jsonl`) });
    await expectCountsExact();
    await deleteRun('ac-b2', { withLabels: true, labelsFile: path.join(dir, `routelens-agreecounts-run-${process.pid}.jsonl`) });
    await expectCountsExact();
    const left = await db.pool().query("SELECT count(*)::int AS n FROM agreement_cells WHERE run_id LIKE 'ac-b%'");
    expect(left.rows[0].n).toBe(0);
  });
});
