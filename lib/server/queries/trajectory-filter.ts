import 'server-only';
// The WHERE clause of the trajectory list's filters, over `trajectories t`. Every filter is a stored
// column with an index (see prisma/schema.prisma); the text search uses the trigram index on queries.
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { empty, join, sql, type Sql } from '@/lib/server/sql';

/** Escapes LIKE's wildcards so a search for "50%" means the text "50%". */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The stored benchmarks that `benchmark` names, matched without case ("aime" finds "AIME"), from the
 * per-run-and-benchmark rollup (a handful of rows): the condition stays an equality the indexes serve.
 */
export function benchmarksLike(benchmark: string): Sql {
  return sql`ARRAY(SELECT DISTINCT bs.benchmark FROM run_benchmark_stats bs WHERE lower(bs.benchmark) = lower(${benchmark}) AND bs.benchmark <> '')`;
}

export function trajectoryConditions(f: TrajectoryFilter): Sql[] {
  const c: Sql[] = [];
  if (f.run !== undefined) c.push(sql`t.run_id = ${f.run}`);
  if (f.query !== undefined) c.push(sql`t.query_id = ${f.query}`);
  if (f.benchmark !== undefined) c.push(sql`t.benchmark = ANY(${benchmarksLike(f.benchmark)})`);
  if (f.correct !== undefined) c.push(sql`t.correct = ${f.correct}`);
  if (f.model !== undefined) c.push(sql`t.models_used @> ARRAY[${f.model}]::text[]`);
  if (f.min_cost !== undefined) c.push(sql`t.cost_usd >= ${f.min_cost}`);
  if (f.max_cost !== undefined) c.push(sql`t.cost_usd <= ${f.max_cost}`);
  if (f.labelled !== undefined) c.push(sql`t.labelled = ${f.labelled}`);
  if (f.q !== undefined) c.push(sql`t.query_id IN (SELECT qq.id FROM queries qq WHERE qq.text ILIKE ${likePattern(f.q)})`);
  if (f.escalations !== undefined) {
    const n = f.escalations === '3+' ? sql`rr.escalations >= 3` : sql`rr.escalations = ${Number(f.escalations)}`;
    c.push(sql`t.pk IN (SELECT rr.trajectory_pk FROM trajectory_routing rr WHERE ${n})`);
  }
  if (f.off_argmax !== undefined) {
    const off = f.off_argmax ? sql`rr.not_argmax > 0` : sql`rr.not_argmax = 0`;
    c.push(sql`t.pk IN (SELECT rr.trajectory_pk FROM trajectory_routing rr WHERE ${off})`);
  }
  if (f.step !== undefined) {
    c.push(f.step.from === f.step.to ? sql`t.training_step = ${f.step.from}` : sql`t.training_step BETWEEN ${f.step.from} AND ${f.step.to}`);
  }
  if (f.group !== undefined) c.push(sql`t.training_group = ${f.group}`);
  return c;
}

export function trajectoryWhere(f: TrajectoryFilter, extra: Sql[] = []): Sql {
  const c = [...trajectoryConditions(f), ...extra];
  return c.length ? sql`WHERE ${join(c, ' AND ')}` : empty;
}
