import { trainingCurve } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';
import { resolveViewSettings } from '@/lib/server/view-settings';

export const GET = route<{ id: string }>({ role: 'viewer', scopes: ['ingest'] }, async ({ params, url }) =>
  Response.json(await trainingCurve(params.id, await resolveViewSettings(url.searchParams))),
);
