import { parsePairParams } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { queryPairs } from '@/lib/server/queries/pairs';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await queryPairs(params.id, parseParams(parsePairParams, url.searchParams), await resolveViewSettings(url.searchParams))),
);
