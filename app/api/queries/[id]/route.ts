import { getQuery } from '@/lib/server/queries/query';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params }) => Response.json(await getQuery(params.id)));
