import { nextItemBodySchema } from '@/lib/schemas/queues';
import { idParam, parseJsonBody } from '@/lib/server/body';
import { leaseNextItem } from '@/lib/server/queues';
import { route } from '@/lib/server/route';

/** Leases the caller's next item (or renews the one they hold); `item` null when none is left. */
export const POST = route<{ id: string }>({ role: 'annotator' }, async ({ request, params, actor }) => {
  const id = idParam('id', params.id);
  const body = await parseJsonBody(request, nextItemBodySchema);
  return Response.json(await leaseNextItem(actor, id, body.skip));
});
