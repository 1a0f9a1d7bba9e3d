import { route } from '@/lib/server/route';
import { listRuns } from '@/lib/server/queries/runs';

// An ingest-scoped key may read the runs, to check what it stored.
export const GET = route({ role: 'viewer', scopes: ['ingest'] }, async () => Response.json({ runs: await listRuns() }));
