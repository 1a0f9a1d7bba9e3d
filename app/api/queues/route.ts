import { newQueueBodySchema } from '@/lib/schemas/queues';
import { parseJsonBody } from '@/lib/server/body';
import { createQueue, listQueues } from '@/lib/server/queues';
import { route } from '@/lib/server/route';

export const GET = route({ role: 'viewer' }, async ({ actor }) => Response.json({ queues: await listQueues(actor) }));

export const POST = route({ role: 'admin' }, async ({ request, actor }) => {
  const body = await parseJsonBody(request, newQueueBodySchema);
  return Response.json(await createQueue(actor, body), { status: 201 });
});
