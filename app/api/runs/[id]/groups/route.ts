import { parseGroupListParams } from '@/lib/schemas/training';
import { parseParams } from '@/lib/server/params';
import { listGroups } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';
import { checkJudge } from '@/lib/server/view-settings';

export const GET = route<{ id: string }>({ role: 'viewer', scopes: ['ingest'] }, async ({ params, url }) => {
  const p = parseParams(parseGroupListParams, url.searchParams);
  await checkJudge(p.judge);
  return Response.json(await listGroups(params.id, p));
});
