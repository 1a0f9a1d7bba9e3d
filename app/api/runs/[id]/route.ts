import { parseDeletionParams } from '@/lib/schemas/deletion';
import { deleteRun } from '@/lib/server/deletion';
import { parseParams } from '@/lib/server/params';
import { route } from '@/lib/server/route';

/**
 * Deletes the run, its trajectories and what only they use, in one transaction (docs/api.md). A run
 * with human labels is refused with 409 unless with_labels=true; then its labels export is written to
 * a file on the server first, named in the answer.
 */
export const DELETE = route<{ id: string }>({ role: 'admin' }, async ({ params, url }) =>
  Response.json(await deleteRun(params.id, parseParams(parseDeletionParams, url.searchParams))),
);
