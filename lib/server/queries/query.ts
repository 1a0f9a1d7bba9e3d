import 'server-only';
// GET /api/queries/{id}: one query with its rubrics and its trajectories across runs, for the query page.
import type pg from 'pg';
import { getPool } from '@/lib/db/pool';
import { notFound } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';
import { loadCriteria, scaleJson, storableId } from './trajectory-parts';

/** How many of a query's trajectories the query page lists; the list route pages through the rest. */
export const QUERY_TRAJECTORIES_SHOWN = 1_000;

interface QueryRecord {
  id: string;
  benchmark: string | null;
  text: string;
  reference_answer: string | null;
}

export async function findQuery(db: pg.Pool, id: string): Promise<QueryRecord> {
  if (!storableId(id)) throw notFound(`query "${id.replaceAll('\u0000', '\\0')}"`);
  const [row] = await queryRows<QueryRecord>(db, sql`SELECT id, benchmark, text, reference_answer FROM queries WHERE id = ${id}`);
  if (!row) throw notFound(`query "${id}"`);
  return row;
}

interface RunFigures {
  run_id: string;
  trajectories: number;
  correct: number;
  mean_cost_usd: number;
  mean_process_score: number | null;
  mean_reward: number;
  mean_savings: number | null;
}

/** One trajectory of the query page (GET /api/queries/{id}). */
export interface QueryTrajectory {
  id: string;
  run_id: string;
  correct: boolean;
  steps: number;
  cost_usd: number;
  process_score: number | null;
  reward: number;
  savings: number | null;
  labelled: boolean;
  rubric_id: string | null;
}

async function loadRubrics(db: pg.Pool, ids: string[]) {
  const rubrics = await queryRows<{ id: string; generator: string | null }>(
    db,
    sql`SELECT id, generator FROM rubrics WHERE id = ANY(${ids}::text[]) ORDER BY id COLLATE "C"`,
  );
  return Promise.all(
    rubrics.map(async (r) => ({
      id: r.id,
      generator: r.generator,
      criteria: (await loadCriteria(db, r.id)).map((c) => ({ id: c.id, text: c.text, weight: c.weight, scale: scaleJson(c) })),
    })),
  );
}

export async function getQuery(id: string) {
  const db = getPool();
  const query = await findQuery(db, id);
  const [runs, trajectories, rubricIds] = await Promise.all([
    queryRows<RunFigures>(
      db,
      sql`SELECT run_id, count(*)::int AS trajectories, count(*) FILTER (WHERE correct)::int AS correct,
                 avg(cost_usd) AS mean_cost_usd, avg(process_score) AS mean_process_score, avg(reward) AS mean_reward,
                 avg(savings) AS mean_savings
            FROM trajectories WHERE query_id = ${id}
           GROUP BY run_id ORDER BY run_id COLLATE "C"`,
    ),
    queryRows<QueryTrajectory>(
      db,
      sql`SELECT id, run_id, correct, step_count AS steps, cost_usd, process_score, reward, savings, labelled, rubric_id
            FROM trajectories WHERE query_id = ${id}
           ORDER BY run_id COLLATE "C", id COLLATE "C" LIMIT ${QUERY_TRAJECTORIES_SHOWN}`,
    ),
    queryRows<{ rubric_id: string }>(
      db,
      sql`SELECT DISTINCT rubric_id FROM trajectories WHERE query_id = ${id} AND rubric_id IS NOT NULL`,
    ),
  ]);
  const total = runs.reduce((n, r) => n + r.trajectories, 0);
  return {
    ...query,
    rubrics: await loadRubrics(db, rubricIds.map((r) => r.rubric_id)),
    runs: runs.map((r) => ({ ...r, accuracy: r.trajectories === 0 ? null : r.correct / r.trajectories })),
    trajectories,
    trajectories_total: total,
  };
}
