import 'server-only';
// GET /api/queries/{id}: one query with its rubrics and its trajectories across runs, for the query page,
// with their figures under the view's judge, lambda and mu.
import { notFound } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';
import { DEFAULT_VIEW, isDefaultReward, type ViewSettings } from '@/lib/schemas/view-settings';
import { loadCriteria } from '@/lib/db/items';
import { scaleJson, storableId } from './trajectory-parts';
import { viewFigures, type TrajectoryFiguresIn, type ViewFigures } from './view-figures';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

/** How many of a query's trajectories the query page lists; the list route pages through the rest. */
export const QUERY_TRAJECTORIES_SHOWN = 1_000;

interface QueryRecord {
  id: string;
  benchmark: string | null;
  text: string;
  reference_answer: string | null;
}

export async function findQuery(db: SqlExecutor, id: string): Promise<QueryRecord> {
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

async function loadRubrics(db: SqlExecutor, ids: string[]) {
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

/** The query's per-run figures from its trajectories' figures under the view. */
function runFigures(rows: readonly (QueryTrajectory & { pk: number })[], figures: Map<number, ViewFigures>): RunFigures[] {
  const byRun = new Map<
    string,
    { n: number; correct: number; cost: number; process: number; nProcess: number; reward: number; savings: number; nSavings: number }
  >();
  for (const r of rows) {
    let g = byRun.get(r.run_id);
    if (!g) byRun.set(r.run_id, (g = { n: 0, correct: 0, cost: 0, process: 0, nProcess: 0, reward: 0, savings: 0, nSavings: 0 }));
    const f = figures.get(r.pk)!;
    g.n++;
    if (r.correct) g.correct++;
    g.cost += r.cost_usd;
    if (f.processScore !== null) {
      g.process += f.processScore;
      g.nProcess++;
    }
    g.reward += f.reward;
    if (r.savings !== null) {
      g.savings += r.savings;
      g.nSavings++;
    }
  }
  return [...byRun.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([run_id, g]) => ({
      run_id,
      trajectories: g.n,
      correct: g.correct,
      mean_cost_usd: g.cost / g.n,
      mean_process_score: g.nProcess === 0 ? null : g.process / g.nProcess,
      mean_reward: g.reward / g.n,
      mean_savings: g.nSavings === 0 ? null : g.savings / g.nSavings,
    }));
}

/**
 * The query page's figures under the view. At the stored settings PostgreSQL averages the stored
 * figures; otherwise lib/domain scores each of the query's trajectories (a query has a few hundred).
 */
async function figuresOfRuns(db: SqlExecutor, id: string, view: ViewSettings) {
  if (view.judge === null && isDefaultReward(view)) {
    const runs = await queryRows<RunFigures>(
      db,
      sql`SELECT run_id, count(*)::int AS trajectories, count(*) FILTER (WHERE correct)::int AS correct,
                 avg(cost_usd) AS mean_cost_usd, avg(process_score) AS mean_process_score, avg(reward) AS mean_reward,
                 avg(savings) AS mean_savings
            FROM trajectories WHERE query_id = ${id}
           GROUP BY run_id ORDER BY run_id COLLATE "C"`,
    );
    return { runs, figures: null };
  }
  const rows = await queryRows<QueryTrajectory & TrajectoryFiguresIn>(
    db,
    sql`SELECT pk, id, run_id, correct, step_count AS steps, cost_usd, all_largest_usd, process_score, reward, savings, labelled, rubric_id
          FROM trajectories WHERE query_id = ${id}`,
  );
  const figures = await viewFigures(db, rows, view);
  return { runs: runFigures(rows, figures), figures: new Map(rows.map((r) => [r.id, figures.get(r.pk)!])) };
}

export async function getQuery(id: string, view: ViewSettings = DEFAULT_VIEW) {
  const db = reads();
  const query = await findQuery(db, id);
  const [{ runs, figures }, shown, rubricIds] = await Promise.all([
    figuresOfRuns(db, id, view),
    queryRows<QueryTrajectory>(
      db,
      sql`SELECT id, run_id, correct, step_count AS steps, cost_usd, process_score, reward, savings, labelled, rubric_id
            FROM trajectories WHERE query_id = ${id}
           ORDER BY run_id COLLATE "C", id COLLATE "C" LIMIT ${QUERY_TRAJECTORIES_SHOWN}`,
    ),
    queryRows<{ rubric_id: string; trajectories: number }>(
      db,
      sql`SELECT rubric_id, count(*)::int AS trajectories FROM trajectories WHERE query_id = ${id} AND rubric_id IS NOT NULL GROUP BY rubric_id`,
    ),
  ]);
  const trajectories = figures ? shown.map((t) => ({ ...t, process_score: figures.get(t.id)!.processScore, reward: figures.get(t.id)!.reward })) : shown;
  const total = runs.reduce((n, r) => n + r.trajectories, 0);
  return {
    ...query,
    judge: view.judge,
    lambda: view.lambda,
    mu: view.mu,
    // Every rubric used for the query (e.g. one per Rubricor version), with how many trajectories it scored.
    rubrics: (
      await loadRubrics(
        db,
        rubricIds.map((r) => r.rubric_id),
      )
    ).map((r) => ({
      ...r,
      trajectories: rubricIds.find((x) => x.rubric_id === r.id)?.trajectories ?? 0,
    })),
    runs: runs.map((r) => ({ ...r, accuracy: r.trajectories === 0 ? null : r.correct / r.trajectories })),
    trajectories,
    trajectories_total: total,
  };
}
