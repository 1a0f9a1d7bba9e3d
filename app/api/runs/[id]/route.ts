import { parseDeletionParams } from '@/lib/schemas/deletion';
import { runChangeBodySchema } from '@/lib/schemas/runs';
import { parseJsonBody } from '@/lib/server/body';
import { deleteRun } from '@/lib/server/deletion';
import { parseParams } from '@/lib/server/params';
import { route } from '@/lib/server/route';
import { setRunHidden } from '@/lib/server/run-visibility';

/**
 * Deletes the run, its trajectories and what only they use, in one transaction (docs/api.md). A run
 * with human labels is refused with 409 unless with_labels=true; then its labels export is written to
 * a file on the server first, named in the answer.
 */
export const DELETE = route<{ id: string }>({ role: 'admin' }, async ({ params, url }) =>
  Response.json(await deleteRun(params.id, parseParams(parseDeletionParams, url.searchParams))),
);

/** Hides the run from the overview, or shows it again ({"hidden": bool}). */
export const PATCH = route<{ id: string }>({ role: 'admin' }, async ({ request, params }) => {
  const change = await parseJsonBody(request, runChangeBodySchema);
  return Response.json({ run: await setRunHidden(params.id, change.hidden) });
});
