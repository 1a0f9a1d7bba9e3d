// Every rollup table equals its recomputation from the rows it summarizes: call
// `await expectRollupsExact()` after ingest, replace, relabel and delete.
//
// A rollup table is any table with a run_id column that is not in NOT_ROLLUPS. Each needs its
// recomputation below: a query that returns the rows the table must hold, with the table's column
// names, from the base tables alone. A new rollup table without one fails here with its name.
// Integer columns must be equal; float columns equal within 1e-9 (relative): sums moved by deltas
// add in another order than a recomputation.
import { expect } from 'vitest';
import { getPool } from '@/lib/db/pool';

/** Tables with a run_id column that hold facts, not sums of other rows. */
export const NOT_ROLLUPS = new Set(['runs', 'trajectories', 'ingest_events']);

export const RECOMPUTE: Record<string, string> = {
  run_stats: `
    SELECT r.id AS run_id, count(t.pk)::int AS trajectories, count(t.pk) FILTER (WHERE t.correct)::int AS correct,
           coalesce(sum(t.step_count), 0)::bigint AS steps, coalesce(sum(t.cost_usd), 0) AS sum_cost_usd,
           coalesce(sum(t.process_score), 0) AS sum_process, count(t.process_score)::int AS n_process,
           coalesce(sum(t.savings), 0) AS sum_savings, count(t.savings)::int AS n_savings,
           coalesce(sum(t.reward), 0) AS sum_reward,
           coalesce(sum(coalesce(t.cost_usd / nullif(t.all_largest_usd, 0::float8), 0::float8)), 0) AS sum_cost_ratio
      FROM runs r LEFT JOIN trajectories t ON t.run_id = r.id
     GROUP BY r.id`,
  // Every run with trajectories has a row for every judge (judge 0: no judge), from trajectory_judges;
  // tests/judge-figures.test.ts checks those rows against lib/domain.
  run_judge_stats: `
    SELECT t.run_id, tj.judge_id, count(*) FILTER (WHERE tj.judgments > 0)::int AS trajectories,
           coalesce(sum(tj.judgments), 0)::int AS judgments, coalesce(sum(tj.process_score), 0) AS sum_process,
           count(tj.process_score)::int AS n_process, coalesce(sum(tj.reward), 0) AS sum_reward
      FROM trajectory_judges tj JOIN trajectories t ON t.pk = tj.trajectory_pk
     GROUP BY t.run_id, tj.judge_id`,
  run_benchmark_stats: `
    SELECT t.run_id, coalesce(t.benchmark, '') AS benchmark, count(*)::int AS trajectories, count(*) FILTER (WHERE t.correct)::int AS correct,
           sum(t.step_count)::bigint AS steps, sum(t.tokens_in)::bigint AS tokens_in, sum(t.tokens_out)::bigint AS tokens_out,
           sum(t.cost_usd) AS sum_cost_usd, sum(t.cost_usd * t.cost_usd) AS sum_cost_sq,
           coalesce(sum(t.process_score), 0) AS sum_process, count(t.process_score)::int AS n_process,
           coalesce(sum(t.savings), 0) AS sum_savings, count(t.savings)::int AS n_savings, sum(t.reward) AS sum_reward,
           sum(coalesce(t.cost_usd / nullif(t.all_largest_usd, 0::float8), 0::float8)) AS sum_cost_ratio
      FROM trajectories t
     GROUP BY t.run_id, coalesce(t.benchmark, '')`,
  run_benchmark_model_stats: `
    SELECT t.run_id, coalesce(t.benchmark, '') AS benchmark, s.model, count(DISTINCT t.pk)::int AS trajectories, count(*)::bigint AS steps,
           sum(s.tokens_in)::bigint AS tokens_in, sum(s.tokens_out)::bigint AS tokens_out, sum(s.cost_usd) AS cost_usd
      FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk
     GROUP BY t.run_id, coalesce(t.benchmark, ''), s.model`,
  run_reference_models: `
    SELECT t.run_id, coalesce(t.benchmark, '') AS benchmark, b.id AS model, count(*)::int AS trajectories
      FROM trajectories t
     CROSS JOIN LATERAL (SELECT m.id FROM models m WHERE m.id = ANY(t.model_ids)
                          ORDER BY m.usd_per_mtok_out DESC, m.usd_per_mtok_in DESC, m.id COLLATE "C" LIMIT 1) b
     WHERE t.savings IS NOT NULL
     GROUP BY t.run_id, coalesce(t.benchmark, ''), b.id`,
  run_model_stats: `
    SELECT t.run_id, s.model, count(DISTINCT t.pk)::int AS trajectories, count(*)::bigint AS steps,
           sum(s.tokens_in)::bigint AS tokens_in, sum(s.tokens_out)::bigint AS tokens_out, sum(s.cost_usd) AS cost_usd
      FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk
     GROUP BY t.run_id, s.model`,
  // Sums of the stored contributions (trajectory_routing); tests/routing.test.ts checks those against
  // lib/domain over the steps, judgments and labels.
  run_routing_stats: `
    SELECT x.id AS run_id, count(r.trajectory_pk)::int AS trajectories, coalesce(sum(t.step_count), 0)::bigint AS steps,
           coalesce(sum(r.switches), 0)::bigint AS switches, coalesce(sum(r.escalations), 0)::bigint AS escalations,
           coalesce(sum(r.deescalations), 0)::bigint AS deescalations,
           ARRAY[count(r.trajectory_pk) FILTER (WHERE r.escalations = 0), count(r.trajectory_pk) FILTER (WHERE r.escalations = 1), count(r.trajectory_pk) FILTER (WHERE r.escalations = 2), count(r.trajectory_pk) FILTER (WHERE r.escalations >= 3)]::int[] AS trajectories_by_escalations,
           ARRAY[count(r.trajectory_pk) FILTER (WHERE r.escalations = 0 AND t.correct), count(r.trajectory_pk) FILTER (WHERE r.escalations = 1 AND t.correct), count(r.trajectory_pk) FILTER (WHERE r.escalations = 2 AND t.correct), count(r.trajectory_pk) FILTER (WHERE r.escalations >= 3 AND t.correct)]::int[] AS correct_by_escalations,
           coalesce(sum(r.router_steps), 0)::bigint AS router_steps, coalesce(sum(r.not_argmax), 0)::bigint AS not_argmax,
           ARRAY[coalesce(sum(r.chosen_histogram[1]), 0), coalesce(sum(r.chosen_histogram[2]), 0), coalesce(sum(r.chosen_histogram[3]), 0), coalesce(sum(r.chosen_histogram[4]), 0), coalesce(sum(r.chosen_histogram[5]), 0), coalesce(sum(r.chosen_histogram[6]), 0), coalesce(sum(r.chosen_histogram[7]), 0), coalesce(sum(r.chosen_histogram[8]), 0), coalesce(sum(r.chosen_histogram[9]), 0), coalesce(sum(r.chosen_histogram[10]), 0)]::bigint[] AS chosen_histogram,
           ARRAY[coalesce(sum(r.entropy_histogram[1]), 0), coalesce(sum(r.entropy_histogram[2]), 0), coalesce(sum(r.entropy_histogram[3]), 0), coalesce(sum(r.entropy_histogram[4]), 0), coalesce(sum(r.entropy_histogram[5]), 0), coalesce(sum(r.entropy_histogram[6]), 0), coalesce(sum(r.entropy_histogram[7]), 0), coalesce(sum(r.entropy_histogram[8]), 0), coalesce(sum(r.entropy_histogram[9]), 0), coalesce(sum(r.entropy_histogram[10]), 0)]::bigint[] AS entropy_histogram,
           ARRAY[coalesce(sum(r.scored_by_bin[1]), 0), coalesce(sum(r.scored_by_bin[2]), 0), coalesce(sum(r.scored_by_bin[3]), 0), coalesce(sum(r.scored_by_bin[4]), 0), coalesce(sum(r.scored_by_bin[5]), 0), coalesce(sum(r.scored_by_bin[6]), 0), coalesce(sum(r.scored_by_bin[7]), 0), coalesce(sum(r.scored_by_bin[8]), 0), coalesce(sum(r.scored_by_bin[9]), 0), coalesce(sum(r.scored_by_bin[10]), 0)]::bigint[] AS scored_by_bin,
           ARRAY[coalesce(sum(r.score_sum_by_bin[1]), 0), coalesce(sum(r.score_sum_by_bin[2]), 0), coalesce(sum(r.score_sum_by_bin[3]), 0), coalesce(sum(r.score_sum_by_bin[4]), 0), coalesce(sum(r.score_sum_by_bin[5]), 0), coalesce(sum(r.score_sum_by_bin[6]), 0), coalesce(sum(r.score_sum_by_bin[7]), 0), coalesce(sum(r.score_sum_by_bin[8]), 0), coalesce(sum(r.score_sum_by_bin[9]), 0), coalesce(sum(r.score_sum_by_bin[10]), 0)]::float8[] AS score_sum_by_bin
      FROM runs x LEFT JOIN trajectories t ON t.run_id = x.id LEFT JOIN trajectory_routing r ON r.trajectory_pk = t.pk
     GROUP BY x.id`,
  run_routing_model_stats: `
    SELECT t.run_id, m.model, ARRAY[sum(r.position_steps[(m.k - 1) * 10 + 1]), sum(r.position_steps[(m.k - 1) * 10 + 2]), sum(r.position_steps[(m.k - 1) * 10 + 3]), sum(r.position_steps[(m.k - 1) * 10 + 4]), sum(r.position_steps[(m.k - 1) * 10 + 5]), sum(r.position_steps[(m.k - 1) * 10 + 6]), sum(r.position_steps[(m.k - 1) * 10 + 7]), sum(r.position_steps[(m.k - 1) * 10 + 8]), sum(r.position_steps[(m.k - 1) * 10 + 9]), sum(r.position_steps[(m.k - 1) * 10 + 10])]::bigint[] AS position_steps,
           sum(r.scored_by_model[m.k])::bigint AS scored_steps, sum(r.score_sum_by_model[m.k]) AS score_sum
      FROM trajectory_routing r JOIN trajectories t ON t.pk = r.trajectory_pk
     CROSS JOIN LATERAL unnest(r.models) WITH ORDINALITY AS m(model, k)
     GROUP BY t.run_id, m.model`,
  // A group's moments are against its stored reference inputs (ref_*), which the recomputation takes
  // from the group's row: a rollout group that has no row (or a row without rollouts) fails on its key.
  training_groups: `
    WITH t AS (
      SELECT t.run_id, t.training_group AS name, t.query_id, t.training_step AS step, t.correct, t.cost_usd,
             coalesce(t.process_score, 0) AS process, t.process_score IS NOT NULL AS has_process,
             CASE WHEN t.all_largest_usd = 0 THEN 0 ELSE t.cost_usd / t.all_largest_usd END AS cost_ratio
        FROM trajectories t WHERE t.training_group IS NOT NULL)
    SELECT g.pk, t.run_id, t.name, min(t.query_id) AS query_id, min(t.step) AS step, count(*)::int AS rollouts,
           count(*) FILTER (WHERE t.correct)::int AS correct, sum(t.cost_usd) AS sum_cost_usd, sum(t.process) AS sum_process,
           count(*) FILTER (WHERE t.has_process)::int AS n_process, sum(t.cost_ratio) AS sum_cost_ratio,
           g.ref_correct, g.ref_process, g.ref_cost_ratio,
           count(*) FILTER (WHERE t.process = g.ref_process)::int AS same_process,
           count(*) FILTER (WHERE t.cost_ratio = g.ref_cost_ratio)::int AS same_cost_ratio,
           sum(t.process - g.ref_process) AS dev_process, sum(t.cost_ratio - g.ref_cost_ratio) AS dev_cost_ratio,
           sum((t.process - g.ref_process) ^ 2) AS dev_process_sq, sum((t.cost_ratio - g.ref_cost_ratio) ^ 2) AS dev_cost_ratio_sq,
           sum((t.correct::int - g.ref_correct::int) * (t.process - g.ref_process)) AS dev_outcome_process,
           sum((t.correct::int - g.ref_correct::int) * (t.cost_ratio - g.ref_cost_ratio)) AS dev_outcome_cost_ratio,
           sum((t.process - g.ref_process) * (t.cost_ratio - g.ref_cost_ratio)) AS dev_process_cost_ratio
      FROM t LEFT JOIN training_groups g ON g.run_id = t.run_id AND g.name = t.name
     GROUP BY g.pk, t.run_id, t.name, g.ref_correct, g.ref_process, g.ref_cost_ratio`,
  training_step_models: `
    SELECT t.run_id, t.training_step AS step, s.model, count(*)::bigint AS steps
      FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk
     WHERE t.training_step IS NOT NULL
     GROUP BY t.run_id, t.training_step, s.model`,
  // GET /api/agreement's counts (lib/db/agreement-counts.ts), from every labelled item's newest label
  // and its judges' judgments; tests/agreement-counts.test.ts checks the per-trajectory parts too.
  agreement_cells: `
    SELECT t.run_id, t.rubric_id, i.criterion_id, coalesce(j.judge, 'judge') AS judge, j.judge_score, nl.score AS human, count(*)::int AS n
      FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     CROSS JOIN LATERAL newest_label(i.id) nl JOIN judgments j ON j.item_id = i.id AND j.judge_score IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6`,
  agreement_items: `
    SELECT t.run_id, t.rubric_id, i.criterion_id, count(*)::int AS n_items
      FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     WHERE EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id)
     GROUP BY 1, 2, 3`,
  agreement_days: `
    SELECT t.run_id, coalesce(j.judge, 'judge') AS judge, c.kind,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_min, 0) ELSE 0 END AS scale_min,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_max, 1) ELSE 0 END AS scale_max,
           (nl.created_at AT TIME ZONE 'UTC')::date AS day, j.judge_score, nl.score AS human, count(*)::int AS n
      FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     CROSS JOIN LATERAL newest_label(i.id) nl JOIN judgments j ON j.item_id = i.id AND j.judge_score IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  agreement_steps: `
    SELECT t.run_id, coalesce(j.judge, 'judge') AS judge, c.kind,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_min, 0) ELSE 0 END AS scale_min,
           CASE WHEN c.kind = 'numeric' THEN coalesce(c.scale_max, 1) ELSE 0 END AS scale_max,
           t.training_step, j.judge_score, nl.score AS human, count(*)::int AS n
      FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     CROSS JOIN LATERAL newest_label(i.id) nl JOIN judgments j ON j.item_id = i.id AND j.judge_score IS NOT NULL
     WHERE t.training_step IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  agreement_people: `
    SELECT i.id AS item_id, i.trajectory_pk, t.run_id, t.rubric_id, i.criterion_id, c.kind, c.scale_min, c.scale_max,
           (SELECT array_agg(p.score ORDER BY label_person(p.user_id, p.author)) FROM people_labels(i.id) p) AS people_scores,
           (SELECT array_agg(DISTINCT coalesce(j.judge, 'judge')) FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL) AS judges,
           EXISTS (SELECT 1 FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NULL) AS person_judgment
      FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
     WHERE (SELECT count(DISTINCT label_person(l.user_id, l.author)) FROM labels l WHERE l.item_id = i.id) >= 2`,
};

async function rollupTables(): Promise<string[]> {
  const r = await getPool().query<{ table_name: string }>(
    `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND c.column_name = 'run_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return r.rows.map((x) => x.table_name).filter((t) => !NOT_ROLLUPS.has(t));
}

async function primaryKey(table: string): Promise<string[]> {
  const r = await getPool().query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey, a.attnum)`,
    [table],
  );
  return r.rows.map((x) => x.attname);
}

/** Float columns, and arrays of floats (compared element by element). */
async function floatColumns(table: string): Promise<Set<string>> {
  const r = await getPool().query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1
        AND (data_type IN ('double precision', 'real', 'numeric') OR udt_name IN ('_float8', '_float4', '_numeric'))`,
    [table],
  );
  return new Set(r.rows.map((x) => x.column_name));
}

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Checks every rollup table against its recomputation; returns the tables it checked. */
export async function expectRollupsExact(): Promise<string[]> {
  const tables = await rollupTables();
  const missing = tables.filter((t) => !(t in RECOMPUTE));
  expect(missing, 'rollup tables without a recomputation in tests/helpers/rollups.ts (or list them in NOT_ROLLUPS)').toEqual([]);
  for (const table of tables) {
    const key = await primaryKey(table);
    expect(key.length, `${table} has a primary key`).toBeGreaterThan(0);
    const floats = await floatColumns(table);
    const keyOf = (row: Record<string, unknown>) => JSON.stringify(key.map((k) => row[k]));
    const stored = new Map((await getPool().query<Record<string, unknown>>(`SELECT * FROM ${table}`)).rows.map((r) => [keyOf(r), r]));
    const expected = new Map((await getPool().query<Record<string, unknown>>(RECOMPUTE[table]!)).rows.map((r) => [keyOf(r), r]));
    expect([...stored.keys()].sort(), `${table}: the rows (by ${key.join(', ')})`).toEqual([...expected.keys()].sort());
    for (const [k, want] of expected) {
      const got = stored.get(k)!;
      const unchecked = Object.keys(got).filter((c) => !(c in want));
      expect(unchecked, `${table}: columns that its recomputation leaves out`).toEqual([]);
      for (const [col, value] of Object.entries(want)) {
        expect(col in got, `${table}: the recomputation's column ${col} is not a column of the table`).toBe(true);
        if (floats.has(col) && typeof value === 'number' && typeof got[col] === 'number') {
          expect(close(got[col], value), `${table} ${k} ${col}: stored ${got[col] as number}, recomputed ${value}`).toBe(true);
        } else if (floats.has(col) && Array.isArray(value) && Array.isArray(got[col])) {
          const list = got[col] as unknown[];
          expect(list.length, `${table} ${k} ${col}: length`).toBe(value.length);
          value.forEach((v, i) => {
            const g = list[i];
            const same = typeof v === 'number' && typeof g === 'number' ? close(g, v) : g === v;
            expect(same, `${table} ${k} ${col}[${i}]: stored ${String(g)}, recomputed ${String(v)}`).toBe(true);
          });
        } else {
          expect(got[col], `${table} ${k} ${col}`).toEqual(value);
        }
      }
    }
  }
  return tables;
}
