import { parseCompareParams } from '@/lib/schemas/read';
import { comparePair } from '@/lib/server/compare';
import { parseParams } from '@/lib/server/params';
import { route } from '@/lib/server/route';
import { resolvePairSettings, resolveViewSettings } from '@/lib/server/view-settings';

export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const { a, b } = parseParams(parseCompareParams, url.searchParams);
  return Response.json(await comparePair(a, b, resolvePairSettings(url.searchParams), await resolveViewSettings(url.searchParams)));
});
