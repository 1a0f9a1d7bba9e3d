import { idParam } from '@/lib/server/body';
import { queueDetail } from '@/lib/server/queues';
import { route } from '@/lib/server/route';

/** The queue with its progress, overall and per annotator. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, actor }) => Response.json(await queueDetail(actor, idParam('id', params.id))));
