import { parseTrajectoryFilter } from '@/lib/schemas/filters';
import { parseParams } from '@/lib/server/params';
import { routingFor } from '@/lib/server/queries/routing';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const filter = parseParams(parseTrajectoryFilter, url.searchParams);
  const { judge } = await resolveViewSettings(url.searchParams);
  return Response.json(await routingFor(filter, { judge }));
});
