import { route } from '@/lib/server/route';
import { listRuns } from '@/lib/server/queries/runs';
import { resolveViewSettings } from '@/lib/server/view-settings';

// An ingest-scoped key may read the runs, to check what it stored.
export const GET = route({ role: 'viewer', scopes: ['ingest'] }, async ({ url }) => {
  const view = await resolveViewSettings(url.searchParams);
  return Response.json({ runs: await listRuns(view), judge: view.judge, lambda: view.lambda, mu: view.mu });
});
