import { getGroup } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

// Group names hold "@" and may hold "/": clients send them encoded and Next decodes them into params.group.
export const GET = route<{ id: string; group: string }>({ role: 'viewer', scopes: ['ingest'] }, async ({ params, url }) =>
  Response.json(await getGroup(params.id, params.group, await resolveViewSettings(url.searchParams))),
);
