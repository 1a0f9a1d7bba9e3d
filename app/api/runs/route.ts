import { route } from '@/lib/server/route';
import { listRuns } from '@/lib/server/queries/runs';

export const GET = route({ role: 'viewer' }, async () => Response.json({ runs: await listRuns() }));
