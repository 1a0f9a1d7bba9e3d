import { parseTrajectoryFilter } from '@/lib/schemas/filters';
import { parseParams } from '@/lib/server/params';
import { criteriaOfFilter } from '@/lib/server/queries/criteria';
import { route } from '@/lib/server/route';

export const GET = route({ role: 'viewer' }, async ({ url }) => Response.json(await criteriaOfFilter(parseParams(parseTrajectoryFilter, url.searchParams))));
