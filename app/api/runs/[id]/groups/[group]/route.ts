import { parseTrainingParams } from '@/lib/schemas/training';
import { parseParams } from '@/lib/server/params';
import { getGroup } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';

// Group names hold "@" and may hold "/": clients send them encoded and Next decodes them into params.group.
export const GET = route<{ id: string; group: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await getGroup(params.id, params.group, parseParams(parseTrainingParams, url.searchParams))),
);
