import { parseGroupListParams } from '@/lib/schemas/training';
import { parseParams } from '@/lib/server/params';
import { listGroups } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await listGroups(params.id, parseParams(parseGroupListParams, url.searchParams))),
);
