import 'server-only';
// Hiding a run leaves it out of the overview only: its trajectories stay in the list, the exports,
// compare and every other page, and GET /api/runs still answers it (with hidden: true).
import { getPool } from '@/lib/db/pool';
import { notFound } from './errors';

export interface RunVisibility {
  id: string;
  hidden: boolean;
}

export async function setRunHidden(id: string, hidden: boolean): Promise<RunVisibility> {
  const r = await getPool().query<RunVisibility>('UPDATE runs SET hidden = $2 WHERE id = $1 RETURNING id, hidden', [id, hidden]);
  const run = r.rows[0];
  if (!run) throw notFound(`run "${id}"`);
  return run;
}
