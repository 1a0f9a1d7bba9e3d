import { parseDeletionParams } from '@/lib/schemas/deletion';
import { deleteTrajectories } from '@/lib/server/deletion';
import { parseStepsPage } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { getTrajectory } from '@/lib/server/queries/trajectory';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

// Trajectory ids hold slashes: clients send them encoded (%2F) and Next decodes them into params.id.
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await getTrajectory(params.id, parseParams(parseStepsPage, url.searchParams), await resolveViewSettings(url.searchParams))),
);

/** Deletes the trajectory as DELETE /api/runs/{id} deletes a run (same with_labels rule). */
export const DELETE = route<{ id: string }>({ role: 'admin' }, async ({ params, url }) =>
  Response.json(await deleteTrajectories([params.id], parseParams(parseDeletionParams, url.searchParams))),
);
