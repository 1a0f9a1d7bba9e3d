// Per-(trajectory, judge) figures and their per-(run, judge) rollup (scoring.md's judge setting), kept
// in the transactions that change trajectories and labels, like run_stats.
//
// Every trajectory has a row for every judge in trajectory_judges: the judge's process score and
// reward (at the default lambda and mu) over its own judgments and those people added. Judge 0 is "no
// judge" (people's judgments alone), which is also the figure of every judge that did not score the
// trajectory; a new judge's rows start as copies of judge 0's. One trajectory's contribution is its
// JudgeFigures (lib/domain figuresByJudge): the `null` entry is judge 0's and every other judge's
// base, each judge that scored it adds its difference. So the contribution needs no judge ids, and a
// change reaches every judge, including one that a concurrent ingest is adding (see shareJudges).
import type pg from 'pg';
import type { SqlExecutor } from './prisma';
import type { SqlWrite } from './writes';
import { figuresByJudge, type JudgeFigures, type ViewScoresInput } from '@/lib/domain';

/** judges.id of "no judge" (its name is ''). */
export const NO_JUDGE_ID = 0;

/**
 * Adding a judge copies judge 0's figures of every trajectory; a change of a trajectory's figures in
 * another transaction must not fall between that copy and its commit. Changes take this advisory lock
 * shared (recomputeTrajectory, before it writes the figures), adding takes it alone.
 */
export const JUDGES_LOCK = 7_262_002;

/** A trajectory's figures under each judge, from what lib/domain scores. */
export function judgeFiguresOf(input: ViewScoresInput): JudgeFigures[] {
  return figuresByJudge(input);
}

interface Sums {
  trajectories: number;
  judgments: number;
  sumProcess: number;
  nProcess: number;
  sumReward: number;
}

const zero = (): Sums => ({ trajectories: 0, judgments: 0, sumProcess: 0, nProcess: 0, sumReward: 0 });

/** Deltas of run_judge_stats: per run a base (judge 0's, every judge's), per run and judge its difference. */
export class JudgeRollupDeltas {
  readonly base = new Map<string, Sums>();
  readonly specific = new Map<string, Sums>(); // key: runId + "\u0000" + judge name

  private entry(map: Map<string, Sums>, key: string): Sums {
    let s = map.get(key);
    if (!s) map.set(key, (s = zero()));
    return s;
  }

  /** Adds one trajectory's figures (figuresByJudge's entries, `null` first) with `sign`. */
  addTrajectory(runId: string, figures: readonly JudgeFigures[], sign: 1 | -1): void {
    const none = figures.find((f) => f.judge === null);
    if (!none) throw new Error('judge figures without the "no judge" entry');
    const b = this.entry(this.base, runId);
    if (none.processScore !== null) {
      b.sumProcess += sign * none.processScore;
      b.nProcess += sign;
    }
    b.sumReward += sign * none.reward;
    for (const f of figures) {
      if (f.judge === null) continue;
      const s = this.entry(this.specific, `${runId}\u0000${f.judge}`);
      s.trajectories += sign;
      s.judgments += sign * f.judgments;
      s.sumProcess += sign * ((f.processScore ?? 0) - (none.processScore ?? 0));
      s.nProcess += sign * ((f.processScore === null ? 0 : 1) - (none.processScore === null ? 0 : 1));
      s.sumReward += sign * (f.reward - none.reward);
    }
  }

  get empty(): boolean {
    return this.base.size === 0 && this.specific.size === 0;
  }

  /** The statements that apply the deltas, and forgets them: an upsert, then a clean-up that must see run_stats written. */
  writes(): { upserts: SqlWrite[]; cleanups: SqlWrite[] } {
    if (this.empty) return { upserts: [], cleanups: [] };
    const runs = [...new Set([...this.base.keys(), ...[...this.specific.keys()].map((k) => k.split('\u0000')[0]!)])].sort();
    const base = runs.map((r) => this.base.get(r) ?? zero());
    const keys = [...this.specific.keys()].sort();
    const spec = keys.map((k) => this.specific.get(k)!);
    const parts = keys.map((k) => k.split('\u0000') as [string, string]);
    // Every run that moved gets a row for every judge: its base plus that judge's difference.
    const upsert: SqlWrite = {
      text: `INSERT INTO run_judge_stats AS s (run_id, judge_id, trajectories, judgments, sum_process, n_process, sum_reward)
       SELECT b.run_id, g.id, coalesce(x.trajectories, 0), coalesce(x.judgments, 0), b.sum_process + coalesce(x.sum_process, 0),
              b.n_process + coalesce(x.n_process, 0), b.sum_reward + coalesce(x.sum_reward, 0)
         FROM unnest($1::text[], $2::float8[], $3::int[], $4::float8[]) AS b(run_id, sum_process, n_process, sum_reward)
        CROSS JOIN judges g
         LEFT JOIN unnest($5::text[], $6::text[], $7::int[], $8::int[], $9::float8[], $10::int[], $11::float8[])
                   AS x(run_id, name, trajectories, judgments, sum_process, n_process, sum_reward)
                ON x.run_id = b.run_id AND x.name = g.name AND g.id <> ${NO_JUDGE_ID}
        ORDER BY b.run_id, g.id
       ON CONFLICT (run_id, judge_id) DO UPDATE SET
         trajectories = s.trajectories + EXCLUDED.trajectories,
         judgments = s.judgments + EXCLUDED.judgments,
         sum_process = s.sum_process + EXCLUDED.sum_process,
         n_process = s.n_process + EXCLUDED.n_process,
         sum_reward = s.sum_reward + EXCLUDED.sum_reward`,
      values: [
        runs,
        base.map((s) => s.sumProcess),
        base.map((s) => s.nProcess),
        base.map((s) => s.sumReward),
        parts.map((p) => p[0]),
        parts.map((p) => p[1]),
        spec.map((s) => s.trajectories),
        spec.map((s) => s.judgments),
        spec.map((s) => s.sumProcess),
        spec.map((s) => s.nProcess),
        spec.map((s) => s.sumReward),
      ],
    };
    // A run left with no trajectories holds sums of exactly 0, and nothing a judge scored in it.
    const cleanup: SqlWrite = {
      text: `DELETE FROM run_judge_stats s USING run_stats r
        WHERE s.run_id = r.run_id AND r.run_id = ANY($1::text[]) AND r.trajectories = 0`,
      values: [runs],
    };
    this.base.clear();
    this.specific.clear();
    return { upserts: [upsert], cleanups: [cleanup] };
  }
}

/** The judges of some lines' figures that are not stored yet, added, each with judge 0's figures. */
export async function addJudges(client: pg.PoolClient, names: Iterable<string>): Promise<void> {
  const wanted = [...new Set(names)].sort();
  if (wanted.length === 0) return;
  const known = await client.query<{ name: string }>('SELECT name FROM judges WHERE name = ANY($1::text[])', [wanted]);
  const have = new Set(known.rows.map((r) => r.name));
  const fresh = wanted.filter((n) => !have.has(n));
  if (fresh.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock($1)', [JUDGES_LOCK]);
  const added = await client.query<{ id: number }>('INSERT INTO judges (name) SELECT unnest($1::text[]) ORDER BY 1 RETURNING id', [fresh]);
  const ids = added.rows.map((r) => r.id);
  await client.query(
    `INSERT INTO trajectory_judges (trajectory_pk, judge_id, judgments, process_score, reward)
     SELECT f.trajectory_pk, g.id, 0, f.process_score, f.reward
       FROM trajectory_judges f CROSS JOIN unnest($1::int[]) AS g(id)
      WHERE f.judge_id = ${NO_JUDGE_ID}`,
    [ids],
  );
  await client.query(
    `INSERT INTO run_judge_stats (run_id, judge_id, trajectories, judgments, sum_process, n_process, sum_reward)
     SELECT s.run_id, g.id, 0, 0, s.sum_process, s.n_process, s.sum_reward
       FROM run_judge_stats s CROSS JOIN unnest($1::int[]) AS g(id)
      WHERE s.judge_id = ${NO_JUDGE_ID}`,
    [ids],
  );
}

/** The names of the judges in some trajectories' figures. */
export function judgeNames(figures: Iterable<readonly JudgeFigures[]>): string[] {
  const names = new Set<string>();
  for (const fs of figures) for (const f of fs) if (f.judge !== null) names.add(f.judge);
  return [...names];
}

/**
 * Writes the figures of trajectories for every stored judge (its own where it scored the trajectory,
 * judge 0's otherwise), replacing what was there. The judges must be stored (addJudges).
 */
export async function writeJudgeFigures(
  client: pg.PoolClient,
  rows: readonly { pk: number; figures: readonly JudgeFigures[] }[],
  before?: JudgeRollupDeltas,
): Promise<void> {
  if (rows.length === 0) return;
  const base = rows.map(({ pk, figures }) => ({ pk, none: figures.find((f) => f.judge === null)! }));
  const own = rows.flatMap(({ pk, figures }) => figures.filter((f) => f.judge !== null).map((f) => ({ pk, f })));
  // One statement: the rows, the first judge name that is not stored (its figures would be lost; the
  // error rolls the transaction back) and, for `before`, the figures as they were ($1 is their pks; the statement's
  // snapshot is from before its write).
  const r = await client.query<{ unknown: string | null; old: StoredFiguresRow[] | null }>(
    // The judges' own figures are matched to (trajectory, judge) by one key, pk and judge id in one
    // bigint. Matched on pk and name, the planner (which takes the never-analyzed judges table for
    // 1,130 rows) merge-joined on the name alone and filtered the pks: for 1,000 lines, a million
    // rows thrown away and 114 ms of the statement's 127.
    `WITH old AS (${STORED_FIGURES}), own AS (
     SELECT (u.pk::bigint << 32) | j.id AS key, u.pk, u.judgments, u.process_score, u.reward
       FROM unnest($4::int[], $5::text[], $6::int[], $7::float8[], $8::float8[]) AS u(pk, name, judgments, process_score, reward)
       JOIN judges j ON j.name = u.name AND j.id <> ${NO_JUDGE_ID}
     ), written AS (
     INSERT INTO trajectory_judges AS tj (trajectory_pk, judge_id, judgments, process_score, reward)
     SELECT b.pk, g.id, coalesce(x.judgments, 0),
            CASE WHEN x.pk IS NULL THEN b.process_score ELSE x.process_score END, coalesce(x.reward, b.reward)
       FROM unnest($1::int[], $2::float8[], $3::float8[]) AS b(pk, process_score, reward)
      CROSS JOIN judges g
       LEFT JOIN own x ON x.key = ((b.pk::bigint << 32) | g.id)
      ORDER BY b.pk, g.id
     ON CONFLICT (trajectory_pk, judge_id) DO UPDATE SET
       judgments = EXCLUDED.judgments, process_score = EXCLUDED.process_score, reward = EXCLUDED.reward
     )
     SELECT (SELECT min(x.name) FROM unnest($5::text[]) AS x(name) WHERE NOT EXISTS (SELECT 1 FROM judges g WHERE g.name = x.name)) AS unknown,
            ${before ? '(SELECT json_agg(old) FROM old)' : 'NULL::json'} AS old`,
    [
      base.map((b) => b.pk),
      base.map((b) => b.none.processScore),
      base.map((b) => b.none.reward),
      own.map((o) => o.pk),
      own.map((o) => o.f.judge),
      own.map((o) => o.f.judgments),
      own.map((o) => o.f.processScore),
      own.map((o) => o.f.reward),
    ],
  );
  const unknown = r.rows[0]?.unknown;
  if (unknown != null) throw new Error(`judge "${unknown}" is not stored: addJudges first`);
  if (before) addStoredRows(r.rows[0]?.old ?? [], before, -1);
}

/** Stored judge figures per trajectory of $1 (int[]): judge 0's and those of every judge that scored it. */
const STORED_FIGURES = `SELECT t.pk, t.run_id,
            json_agg(json_build_object('judge', CASE WHEN g.id = ${NO_JUDGE_ID} THEN NULL ELSE g.name END, 'judgments', tj.judgments,
                                       'process_score', tj.process_score, 'reward', tj.reward) ORDER BY g.id) AS figures
       FROM trajectories t
       JOIN trajectory_judges tj ON tj.trajectory_pk = t.pk AND (tj.judgments > 0 OR tj.judge_id = ${NO_JUDGE_ID})
       JOIN judges g ON g.id = tj.judge_id
      WHERE t.pk = ANY($1::int[])
      GROUP BY t.pk, t.run_id`;

interface StoredFiguresRow {
  pk: number;
  run_id: string;
  figures: { judge: string | null; judgments: number; process_score: number | null; reward: number }[];
}

function addStoredRows(rows: readonly StoredFiguresRow[], deltas: JudgeRollupDeltas, sign: 1 | -1): void {
  for (const row of rows) {
    deltas.addTrajectory(
      row.run_id,
      row.figures.map((f) => ({ judge: f.judge, judgments: f.judgments, processScore: f.process_score, reward: f.reward })),
      sign,
    );
  }
}

/**
 * Adds stored trajectories' judge figures to `deltas` with `sign` (-1 before they are replaced or
 * deleted, +1 for figures changed in place), from their rows: judge 0's is the base, a judge that
 * scored the trajectory adds its difference.
 */
export async function addStoredJudgeFigures(client: SqlExecutor, pks: readonly number[], deltas: JudgeRollupDeltas, sign: 1 | -1): Promise<void> {
  if (pks.length === 0) return;
  const r = await client.query<StoredFiguresRow>(STORED_FIGURES, [[...pks]]);
  addStoredRows(r.rows, deltas, sign);
}
