import { idParam } from '@/lib/server/body';
import { getItem } from '@/lib/server/queues';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string; item: string }>({ role: 'viewer' }, async ({ params, actor }) =>
  Response.json(await getItem(actor, idParam('id', params.id), idParam('item', params.item))),
);
