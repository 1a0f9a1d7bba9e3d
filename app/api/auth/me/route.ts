import { route } from '@/lib/server/route';
import { me } from '@/lib/server/sessions';

export const GET = route({ role: 'viewer' }, async ({ actor }) => Response.json(me(actor), { headers: { 'Cache-Control': 'no-store' } }));
