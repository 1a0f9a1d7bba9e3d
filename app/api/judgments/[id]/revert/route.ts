import { revertBodySchema } from '@/lib/schemas/labels';
import { idParam, parseJsonBody } from '@/lib/server/body';
import { revertToLabel } from '@/lib/server/labels';
import { route } from '@/lib/server/route';

/** Appends a label equal to an earlier one (revert_of names it): history is never rewritten. */
export const POST = route<{ id: string }>({ role: 'annotator' }, async ({ request, params, actor }) => {
  const id = idParam('id', params.id);
  const body = await parseJsonBody(request, revertBodySchema);
  return Response.json(await revertToLabel(actor, id, body), { status: 201 });
});
