import { trajectoryCostFigures } from '@/lib/server/queries/cost';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params }) => Response.json(await trajectoryCostFigures(params.id)));
