// The stored per-(trajectory, judge) figures (trajectory_judges) and their per-(run, judge) rollup:
// after ingest, a judge that arrives later, labels, a judgment a person adds, and a replace, every row
// equals lib/domain's figuresByJudge over the trajectory's judgments with their newest labels; and a
// database made before the migration upgrades in place to the very same rows (its SQL computes what
// lib/domain does, bit for bit).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figuresByJudge, type JudgmentInput } from '@/lib/domain';
import { generateTraces, renderJsonl, type TraceLine } from '@/lib/generate';
import type { Actor } from '@/lib/server/auth';
import { addHumanJudgment, addLabel } from '@/lib/server/labels';
import { createUser } from '@/lib/server/users';
import { useTestDatabase } from './helpers/db';
import { withJudges } from './helpers/judges';
import { expectRollupsExact } from './helpers/rollups';
import { ingestText } from './helpers/trace';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';

const db = useTestDatabase('judgefig');
const MIGRATION = '20261202011000_judge_figures';

const LINES: TraceLine[] = withJudges([...generateTraces({ seed: 5, queries: 10, trajectoriesPerQueryPerRun: 2, steps: { min: 2, max: 10 } })]);

interface Row {
  trajectory_pk: number;
  judge: string;
  judgments: number;
  process_score: number | null;
  reward: number;
}

async function storedRows(c: pg.Pool | pg.Client): Promise<Row[]> {
  const r = await c.query<Row>(
    `SELECT tj.trajectory_pk, g.name AS judge, tj.judgments, tj.process_score, tj.reward
       FROM trajectory_judges tj JOIN judges g ON g.id = tj.judge_id ORDER BY 1, 2`,
  );
  return r.rows;
}

/** lib/domain's figures of every stored trajectory under every stored judge, from the stored judgments and labels. */
async function expectedRows(): Promise<Row[]> {
  const pool = db.pool();
  const judges = (await pool.query<{ name: string }>('SELECT name FROM judges ORDER BY name')).rows.map((r) => r.name);
  const ts = await pool.query<{
    pk: number;
    correct: boolean;
    cost_usd: number;
    all_largest_usd: number;
    criteria: { id: string; weight: number; kind: 'binary' | 'ternary' | 'numeric'; min: number | null; max: number | null }[] | null;
  }>(
    `SELECT t.pk, t.correct, t.cost_usd, t.all_largest_usd,
            (SELECT json_agg(json_build_object('id', c.id, 'weight', c.weight, 'kind', c.kind, 'min', c.scale_min, 'max', c.scale_max) ORDER BY c.position)
               FROM criteria c WHERE c.rubric_id = t.rubric_id) AS criteria
       FROM trajectories t ORDER BY t.pk`,
  );
  const js = await pool.query<{
    trajectory_pk: number;
    criterion_id: string;
    steps: number[];
    judge_score: number | null;
    judge: string | null;
    human: number | null;
  }>(
    `SELECT j.trajectory_pk, j.criterion_id, j.steps, j.judge_score, j.judge,
            (SELECT nl.score FROM newest_label(j.item_id) nl) AS human
       FROM judgments j ORDER BY j.trajectory_pk, j.position`,
  );
  const byPk = new Map<number, JudgmentInput[]>();
  for (const j of js.rows) {
    const list = byPk.get(j.trajectory_pk) ?? [];
    list.push({ criterion: j.criterion_id, steps: j.steps, judgeScore: j.judge_score, humanScore: j.human, judge: j.judge });
    byPk.set(j.trajectory_pk, list);
  }
  const rows: Row[] = [];
  for (const t of ts.rows) {
    const criteria = (t.criteria ?? []).map((c) => ({
      id: c.id,
      weight: c.weight,
      scale: c.kind === 'numeric' ? { kind: c.kind, min: c.min ?? 0, max: c.max ?? 1 } : { kind: c.kind },
    }));
    const figures = figuresByJudge({ correct: t.correct, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd, criteria, judgments: byPk.get(t.pk) ?? [] });
    const none = figures.find((f) => f.judge === null)!;
    for (const judge of judges) {
      const f = figures.find((x) => x.judge === judge) ?? none;
      rows.push({ trajectory_pk: t.pk, judge, judgments: judge === '' ? 0 : f === none ? 0 : f.judgments, process_score: f.processScore, reward: f.reward });
    }
  }
  return rows.sort((a, b) => a.trajectory_pk - b.trajectory_pk || (a.judge < b.judge ? -1 : a.judge > b.judge ? 1 : 0));
}

async function expectFiguresExact(): Promise<void> {
  expect(await storedRows(db.pool())).toEqual(await expectedRows());
  await expectRollupsExact();
}

let actor: Actor;

beforeAll(async () => {
  expect(await ingestText(renderJsonl(LINES), { batchLines: 13 })).toMatchObject({ stored: LINES.length, failed: 0 });
  const u = await createUser({ username: 'judge-annotator', role: 'annotator', password: 'correct horse battery' });
  actor = { userId: u.id, username: 'judge-annotator', name: 'judge-annotator', role: 'annotator', via: 'session' };
});

describe('per-judge figures', () => {
  it('after ingest: every trajectory under every judge and under none, as lib/domain', async () => {
    const judges = (await db.pool().query<{ id: number; name: string }>('SELECT id, name FROM judges ORDER BY id')).rows;
    expect(judges.map((j) => j.name)).toEqual(['', 'judge', 'judge-v2', 'judge-v3']);
    expect(judges[0]!.id).toBe(0);
    await expectFiguresExact();
  });

  it('a judge that arrives later starts from every trajectory’s no-judge figures', async () => {
    const late = [...generateTraces({ seed: 6, queries: 2, runs: [{ id: 'late', policy: 'roro', models: ['qwen3-1.7b', 'qwen3-32b'] }] })].map((l) => ({
      ...l,
      judgments: l.judgments?.map((j) => ({ ...j, judge: 'judge-v4' })),
    }));
    expect(await ingestText(renderJsonl(late))).toMatchObject({ stored: late.length, failed: 0 });
    await expectFiguresExact();
  });

  it('labels and a judgment a person added move every judge’s figures of their trajectory', async () => {
    // One label per item (through one of its judges' judgments): it corrects every judge of the item.
    const picked = await db.pool().query<{ id: number; judge_score: number; version: number }>(
      `SELECT DISTINCT ON (j.item_id) j.id, j.judge_score, i.version FROM judgments j
         JOIN items i ON i.id = j.item_id
         JOIN trajectories t ON t.pk = j.trajectory_pk
         JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
        WHERE c.kind = 'binary' ORDER BY j.item_id, j.id LIMIT 25`,
    );
    for (const j of picked.rows) await addLabel(actor, j.id, { score: 1 - j.judge_score, rationale: null, expected_version: j.version });
    const target = LINES.find((l) => l.rubric && l.rubric.criteria.some((c) => c.scale.kind === 'binary'))!;
    const criterion = target.rubric!.criteria.find((c) => c.scale.kind === 'binary')!;
    await addHumanJudgment(actor, target.id, { criterion: criterion.id, steps: [0, 1], score: 1, rationale: null });
    await expectFiguresExact();
  });

  it('a replace rewrites them', async () => {
    const changed = LINES.filter((_, i) => i % 4 === 1).map((l) => ({ ...l, correct: !l.correct, judgments: l.judgments?.filter((_, k) => k % 3 !== 0) }));
    expect(await ingestText(renderJsonl(changed), { replace: true })).toMatchObject({ replaced: changed.length, failed: 0 });
    await expectFiguresExact();
  });
});

describe('the migration', () => {
  let old: UpgradeDatabase | null = null;
  afterAll(async () => {
    await old?.drop();
  });

  it('upgrades a database of the previous version in place to the same figures', async () => {
    old = await databaseBefore(MIGRATION);
    // The previous version's rows are these tables' rows without this migration's: copy them over.
    const tables = (
      await old.client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
      )
    ).rows.map((r) => r.table_name);
    await old.client.query('SET session_replication_role = replica'); // no foreign keys or triggers while copying
    for (const table of tables) {
      const cols = (
        await old.client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
          [table],
        )
      ).rows.map((r) => `"${r.column_name}"`);
      const rows = (await db.pool().query(`SELECT ${cols.join(', ')} FROM "${table}"`)).rows;
      if (rows.length === 0) continue;
      await old.client.query(`INSERT INTO "${table}" (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM json_populate_recordset(NULL::"${table}", $1::json)`, [
        JSON.stringify(rows),
      ]);
    }
    await old.client.query('SET session_replication_role = origin');
    expect(await old.migrate()).toContain(MIGRATION);
    const upgraded = await storedRows(old.client);
    expect(upgraded.length).toBeGreaterThan(LINES.length * 4);
    // Judge ids may differ (the migration numbers judges by name); the figures, by judge name, may not.
    expect(upgraded).toEqual(await storedRows(db.pool()));
    const stats =
      'SELECT s.run_id, g.name, s.trajectories, s.judgments, s.n_process, s.sum_process, s.sum_reward FROM run_judge_stats s JOIN judges g ON g.id = s.judge_id ORDER BY 1, 2';
    const a = (await old.client.query(stats)).rows;
    const b = (await db.pool().query(stats)).rows;
    expect(a.map(({ sum_process: _p, sum_reward: _r, ...rest }) => rest)).toEqual(b.map(({ sum_process: _p, sum_reward: _r, ...rest }) => rest));
    a.forEach((r, i) => {
      expect(r.sum_process).toBeCloseTo(b[i]!.sum_process, 9);
      expect(r.sum_reward).toBeCloseTo(b[i]!.sum_reward, 9);
    });
    const ratio = 'SELECT run_id, sum_cost_ratio FROM run_stats ORDER BY 1';
    const ra = (await old.client.query(ratio)).rows;
    (await db.pool().query(ratio)).rows.forEach((r, i) => expect(ra[i].sum_cost_ratio).toBeCloseTo(r.sum_cost_ratio, 9));
  });
});
