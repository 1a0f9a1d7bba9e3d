import { listParamsSchema, paramsObject, parseTrajectoryFilter } from '@/lib/schemas/filters';
import { parseParams } from '@/lib/server/params';
import { listTrajectories } from '@/lib/server/queries/trajectory-list';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

const parseListParams = (p: URLSearchParams) => listParamsSchema.parse(paramsObject(p, ['sort', 'order', 'cursor', 'limit']));

export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const filter = parseParams(parseTrajectoryFilter, url.searchParams);
  const list = parseParams(parseListParams, url.searchParams);
  const view = await resolveViewSettings(url.searchParams);
  return Response.json(await listTrajectories(filter, list, { view }));
});
