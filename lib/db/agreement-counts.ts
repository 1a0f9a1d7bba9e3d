// GET /api/agreement's count tables (agreement_cells, agreement_items, agreement_days,
// agreement_steps) and its table of items that several people labelled (agreement_people), kept in
// the transactions that change labels, judgments and trajectories, like the run rollups.
//
// A trajectory's part of the counts (its labelled items' judge-scored judgments counted per
// criterion, judge, judge score, newest human score and that label's UTC day, and its labelled
// items per criterion) is stored with it in trajectory_agreement. syncAgreement recomputes the part
// from what is stored now and moves the sums by the difference; takeStoredAgreement takes a part out
// before its trajectory is replaced or deleted. So every change that calls recomputeTrajectory
// (a label, a revert, a person's judgment, a replaced trajectory) keeps the counts, however its rows
// were written.
import type pg from 'pg';
import type { SqlExecutor } from './prisma';
import type { Scale } from '@/lib/domain';
import { applyWrites, type SqlWrite } from './writes';

/** The name of the unnamed judge in the counts (lib/domain UNNAMED_JUDGE; the migration writes it too). */
const UNNAMED = 'judge';

/** [criterion, kind, scale_min, scale_max, judge, judge_score, human, label day (YYYY-MM-DD), n] */
type CellEntry = [string, Scale['kind'], number, number, string, number, number, string, number];
/** [criterion, labelled items] */
type ItemEntry = [string, number];

export interface AgreementContribution {
  cells: CellEntry[];
  items: ItemEntry[];
}

interface TrajectoryKey {
  run_id: string;
  rubric_id: string | null;
  training_step: number | null;
}

interface Table {
  name: string;
  /** Key columns with their array types, in primary-key order. */
  key: [string, string][];
  count: string;
}

const CELLS: Table = {
  name: 'agreement_cells',
  key: [
    ['run_id', 'text'],
    ['rubric_id', 'text'],
    ['criterion_id', 'text'],
    ['judge', 'text'],
    ['judge_score', 'float8'],
    ['human', 'float8'],
  ],
  count: 'n',
};
const ITEMS: Table = {
  name: 'agreement_items',
  key: [
    ['run_id', 'text'],
    ['rubric_id', 'text'],
    ['criterion_id', 'text'],
  ],
  count: 'n_items',
};
const SCALED: [string, string][] = [
  ['run_id', 'text'],
  ['judge', 'text'],
  ['kind', '"ScaleKind"'],
  ['scale_min', 'float8'],
  ['scale_max', 'float8'],
];
const DAYS: Table = { name: 'agreement_days', key: [...SCALED, ['day', 'date'], ['judge_score', 'float8'], ['human', 'float8']], count: 'n' };
const STEPS: Table = { name: 'agreement_steps', key: [...SCALED, ['training_step', 'int'], ['judge_score', 'float8'], ['human', 'float8']], count: 'n' };
const TABLES = [CELLS, ITEMS, DAYS, STEPS];

/** Moves of the count tables, netted per row, applied in one order of keys by every writer. */
export class AgreementDeltas {
  private readonly moves = new Map<Table, Map<string, { key: unknown[]; n: number }>>(TABLES.map((t) => [t, new Map()]));

  private add(table: Table, key: unknown[], n: number): void {
    const m = this.moves.get(table)!;
    const k = JSON.stringify(key);
    const e = m.get(k);
    if (e) e.n += n;
    else m.set(k, { key, n });
  }

  /** Adds one trajectory's part with `sign`. */
  addContribution(t: TrajectoryKey, c: AgreementContribution, sign: 1 | -1): void {
    if (t.rubric_id === null) return;
    for (const [criterion, kind, min, max, judge, judgeScore, human, day, n] of c.cells) {
      this.add(CELLS, [t.run_id, t.rubric_id, criterion, judge, judgeScore, human], sign * n);
      this.add(DAYS, [t.run_id, judge, kind, min, max, day, judgeScore, human], sign * n);
      if (t.training_step !== null) this.add(STEPS, [t.run_id, judge, kind, min, max, t.training_step, judgeScore, human], sign * n);
    }
    for (const [criterion, n] of c.items) this.add(ITEMS, [t.run_id, t.rubric_id, criterion], sign * n);
  }

  get empty(): boolean {
    return [...this.moves.values()].every((m) => [...m.values()].every((e) => e.n === 0));
  }

  /** Applies the moves: the upserts, then the deletes of rows that fell to 0 (writes()), each as one statement. */
  async apply(client: pg.ClientBase): Promise<void> {
    await applyWrites(client, this.writes());
  }

  /** The statements that apply the moves, and forgets them: upserts, then deletes that must see their results. */
  writes(): { upserts: SqlWrite[]; cleanups: SqlWrite[] } {
    const upserts: SqlWrite[] = [];
    const cleanups: SqlWrite[] = [];
    for (const table of TABLES) {
      const m = this.moves.get(table)!;
      const rows = [...m.values()].filter((e) => e.n !== 0);
      m.clear();
      if (rows.length === 0) continue;
      const cols = table.key.map(([c]) => c);
      const params = [...table.key.map((_, i) => rows.map((r) => r.key[i])), rows.map((r) => r.n)];
      const unnest = `unnest(${[...table.key.map(([, type], i) => `$${i + 1}::${type}[]`), `$${table.key.length + 1}::int[]`].join(', ')})`;
      upserts.push({
        text: `INSERT INTO ${table.name} AS s (${cols.join(', ')}, ${table.count})
         SELECT * FROM ${unnest} AS x(${cols.join(', ')}, n) ORDER BY ${cols.map((c) => `x.${c}`).join(', ')}
         ON CONFLICT (${cols.join(', ')}) DO UPDATE SET ${table.count} = s.${table.count} + EXCLUDED.${table.count}`,
        values: params,
      });
      // A row that counts nothing any more has none, as after counting afresh.
      const fell = rows.filter((r) => r.n < 0);
      if (fell.length > 0) {
        const keyParams = table.key.map((_, i) => fell.map((r) => r.key[i]));
        const keyUnnest = `unnest(${table.key.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;
        cleanups.push({
          text: `DELETE FROM ${table.name} s USING ${keyUnnest} AS x(${cols.join(', ')})
            WHERE ${cols.map((c) => `s.${c} = x.${c}`).join(' AND ')} AND s.${table.count} = 0`,
          values: keyParams,
        });
      }
    }
    return { upserts, cleanups };
  }
}

async function storedOf(client: SqlExecutor, pks: readonly number[]): Promise<{ keys: Map<number, TrajectoryKey>; parts: Map<number, AgreementContribution> }> {
  const t = await client.query<TrajectoryKey & { pk: number; contribution: AgreementContribution | null }>(
    `SELECT t.pk, t.run_id, t.rubric_id, t.training_step, a.contribution
       FROM trajectories t LEFT JOIN trajectory_agreement a ON a.trajectory_pk = t.pk
      WHERE t.pk = ANY($1::int[])`,
    [pks],
  );
  const keys = new Map<number, TrajectoryKey>();
  const parts = new Map<number, AgreementContribution>();
  for (const r of t.rows) {
    keys.set(r.pk, { run_id: r.run_id, rubric_id: r.rubric_id, training_step: r.training_step });
    if (r.contribution) parts.set(r.pk, r.contribution);
  }
  return { keys, parts };
}

/**
 * The stored parts of trajectories and their parts from what is stored now, in one statement: per
 * trajectory its key, its stored contribution, and its cells (criterion, judge, judge's score, newest
 * human score and its day, with their count) and its labelled items per criterion, as JSON in that order.
 */
const STORED_AND_FRESH = `
  WITH cells AS (
    SELECT i.trajectory_pk AS pk, i.criterion_id, c.kind,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_min, 0) ELSE 0 END AS scale_min,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_max, 1) ELSE 0 END AS scale_max,
           coalesce(j.judge, $2) AS judge, j.judge_score, nl.score AS human,
           to_char(nl.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n
      FROM items i
      JOIN trajectories t ON t.pk = i.trajectory_pk
      JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     CROSS JOIN LATERAL newest_label(i.id) nl
      JOIN judgments j ON j.item_id = i.id AND j.judge_score IS NOT NULL
     WHERE i.trajectory_pk = ANY($1::int[])
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ), cells_of AS (
    SELECT pk, json_agg(json_build_array(criterion_id, kind, scale_min, scale_max, judge, judge_score, human, day, n)
                        ORDER BY criterion_id, judge, judge_score, human, day) AS cells
      FROM cells GROUP BY pk
  ), items_of AS (
    SELECT x.pk, json_agg(json_build_array(x.criterion_id, x.n) ORDER BY x.criterion_id) AS items
      FROM (SELECT i.trajectory_pk AS pk, i.criterion_id, count(*)::int AS n
              FROM items i
              JOIN trajectories t ON t.pk = i.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
             WHERE i.trajectory_pk = ANY($1::int[]) AND EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id)
             GROUP BY 1, 2) x
     GROUP BY x.pk
  )
  SELECT t.pk, t.run_id, t.rubric_id, t.training_step, a.contribution, ce.cells, it.items
    FROM trajectories t
    LEFT JOIN trajectory_agreement a ON a.trajectory_pk = t.pk
    LEFT JOIN cells_of ce ON ce.pk = t.pk
    LEFT JOIN items_of it ON it.pk = t.pk
   WHERE t.pk = ANY($1::int[])`;

/**
 * Recomputes the agreement parts of trajectories (locked by the caller) from what is stored now, moves
 * `deltas` by the difference and stores the new parts; rewrites their items in agreement_people. Two
 * statements: the stored and the fresh parts read together, then every write.
 */
export async function syncAgreement(client: SqlExecutor, pks: readonly number[], deltas: AgreementDeltas): Promise<void> {
  if (pks.length === 0) return;
  const r = await client.query<
    TrajectoryKey & { pk: number; contribution: AgreementContribution | null; cells: CellEntry[] | null; items: ItemEntry[] | null }
  >(STORED_AND_FRESH, [[...pks], UNNAMED]);
  const write: { pk: number; c: AgreementContribution }[] = [];
  const drop: number[] = [];
  for (const row of r.rows) {
    const key: TrajectoryKey = { run_id: row.run_id, rubric_id: row.rubric_id, training_step: row.training_step };
    const old = row.contribution;
    // A trajectory has a part when it has a cell or a labelled item.
    const now: AgreementContribution | null = row.cells || row.items ? { cells: row.cells ?? [], items: row.items ?? [] } : null;
    if (old && now && JSON.stringify(old) === JSON.stringify(now)) continue;
    if (old) deltas.addContribution(key, old, -1);
    if (now) {
      deltas.addContribution(key, now, 1);
      write.push({ pk: row.pk, c: now });
    } else if (old) drop.push(row.pk);
  }
  // One statement: the parts dropped and written (distinct trajectories), and the trajectories' items
  // that several people labelled: the rows of those items upserted, the trajectories' other rows
  // deleted (two sets of rows that do not meet).
  await client.query(
    `WITH dropped AS (
       DELETE FROM trajectory_agreement WHERE trajectory_pk = ANY($3::int[])
     ), written AS (
       INSERT INTO trajectory_agreement (trajectory_pk, contribution)
       SELECT * FROM unnest($4::int[], $5::jsonb[]) ORDER BY 1
       ON CONFLICT (trajectory_pk) DO UPDATE SET contribution = EXCLUDED.contribution
     ), fresh AS (
       SELECT i.id AS item_id, i.trajectory_pk, t.run_id, t.rubric_id, i.criterion_id, c.kind, c.scale_min, c.scale_max,
              (SELECT array_agg(p.score ORDER BY label_person(p.user_id, p.author)) FROM people_labels(i.id) p) AS people_scores,
              (SELECT array_agg(DISTINCT coalesce(j.judge, $2)) FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL) AS judges,
              EXISTS (SELECT 1 FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NULL) AS person_judgment
         FROM items i
         JOIN trajectories t ON t.pk = i.trajectory_pk
         JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
        WHERE i.trajectory_pk = ANY($1::int[])
          AND (SELECT count(DISTINCT label_person(l.user_id, l.author)) FROM labels l WHERE l.item_id = i.id) >= 2
     ), kept AS (
       INSERT INTO agreement_people AS a (item_id, trajectory_pk, run_id, rubric_id, criterion_id, kind, scale_min, scale_max, people_scores, judges,
                                          person_judgment)
       SELECT * FROM fresh ORDER BY item_id
       ON CONFLICT (item_id) DO UPDATE SET
         trajectory_pk = EXCLUDED.trajectory_pk, run_id = EXCLUDED.run_id, rubric_id = EXCLUDED.rubric_id, criterion_id = EXCLUDED.criterion_id,
         kind = EXCLUDED.kind, scale_min = EXCLUDED.scale_min, scale_max = EXCLUDED.scale_max, people_scores = EXCLUDED.people_scores,
         judges = EXCLUDED.judges, person_judgment = EXCLUDED.person_judgment
     )
     DELETE FROM agreement_people a WHERE a.trajectory_pk = ANY($1::int[]) AND a.item_id NOT IN (SELECT item_id FROM fresh)`,
    [[...pks], UNNAMED, drop, write.map((w) => w.pk), write.map((w) => JSON.stringify(w.c))],
  );
}

/**
 * Takes the stored parts of trajectories (locked by the caller) out of `deltas` before they are
 * replaced or deleted, and forgets them: a replaced trajectory's new part comes in with its
 * recomputation (syncAgreement, from recomputeTrajectory).
 */
export async function takeStoredAgreement(client: SqlExecutor, pks: readonly number[], deltas: AgreementDeltas): Promise<void> {
  if (pks.length === 0) return;
  const { keys, parts } = await storedOf(client, pks);
  for (const [pk, c] of parts) deltas.addContribution(keys.get(pk)!, c, -1);
  if (parts.size) await client.query('DELETE FROM trajectory_agreement WHERE trajectory_pk = ANY($1::int[])', [[...parts.keys()]]);
  await client.query('DELETE FROM agreement_people WHERE trajectory_pk = ANY($1::int[])', [[...pks]]);
}

/**
 * Counts everything afresh (for data written around the write paths, as bench/agreement.ts does in
 * bulk): empties the tables, then syncs every trajectory.
 */
export async function rebuildAgreementCounts(client: pg.ClientBase): Promise<void> {
  await client.query('DELETE FROM trajectory_agreement; DELETE FROM agreement_people');
  for (const t of TABLES) await client.query(`DELETE FROM ${t.name}`);
  const pks = (
    await client.query<{ pk: number }>(
      'SELECT DISTINCT trajectory_pk AS pk FROM items i WHERE EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id) ORDER BY 1',
    )
  ).rows.map((r) => r.pk);
  for (let i = 0; i < pks.length; i += 2_000) {
    const deltas = new AgreementDeltas();
    await syncAgreement(client, pks.slice(i, i + 2_000), deltas);
    await deltas.apply(client);
  }
}
