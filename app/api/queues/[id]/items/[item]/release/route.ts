import { idParam } from '@/lib/server/body';
import { releaseItem } from '@/lib/server/queues';
import { route } from '@/lib/server/route';

/** Gives back the caller's lease on an item that they did not label (skipped, or leaving). */
export const POST = route<{ id: string; item: string }>({ role: 'annotator' }, async ({ params, actor }) =>
  Response.json(await releaseItem(actor, idParam('id', params.id), idParam('item', params.item))),
);
