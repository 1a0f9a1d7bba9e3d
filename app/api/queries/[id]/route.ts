import { getQuery } from '@/lib/server/queries/query';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await getQuery(params.id, await resolveViewSettings(url.searchParams))),
);
