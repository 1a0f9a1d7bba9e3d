// Writes of the rollups gathered as statements, so that several of them travel as one statement.
// Every rollup row a change moves is locked from its write until the commit; the rows of a run are
// shared by every change of that run (a label among them), so the fewer round trips between the first
// of those writes and the commit, the less the run's other writers wait.
import type { SqlExecutor } from './prisma';

/** One SQL statement with its parameters ($1, $2, ... of `values`). */
export interface SqlWrite {
  text: string;
  values: unknown[];
}

/**
 * Statements that write distinct tables (or distinct rows of one) as one statement: each one a
 * data-modifying WITH query, its parameters renumbered after the ones before it. They all see the
 * database as it was before the statement, so a write that must see another's result (a delete of
 * the rows an upsert brought to 0) goes in a later statement.
 */
export function oneStatement(writes: readonly SqlWrite[]): SqlWrite | null {
  if (writes.length === 0) return null;
  if (writes.length === 1) return writes[0]!;
  const values: unknown[] = [];
  const parts = writes.map((w, i) => {
    const offset = values.length;
    values.push(...w.values);
    const text = w.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return `w${i} AS (${text})`;
  });
  return { text: `WITH ${parts.join(',\n')}\nSELECT 1`, values };
}

/** Runs the writes as one statement (nothing when there are none). */
export async function runAsOne(client: SqlExecutor, writes: readonly SqlWrite[]): Promise<void> {
  const s = oneStatement(writes);
  if (s) await client.query(s.text, s.values);
}

/** Runs the upserts, then the clean-ups that must see their results: two statements at most. */
export async function applyWrites(client: SqlExecutor, w: { upserts: readonly SqlWrite[]; cleanups: readonly SqlWrite[] }): Promise<void> {
  await runAsOne(client, w.upserts);
  await runAsOne(client, w.cleanups);
}
