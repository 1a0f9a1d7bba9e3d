import { labelBodySchema } from '@/lib/schemas/labels';
import { idParam, parseJsonBody } from '@/lib/server/body';
import { addLabel, judgmentHistory } from '@/lib/server/labels';
import { route } from '@/lib/server/route';

/** The judgment and its full label history, oldest first. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params }) => Response.json(await judgmentHistory(idParam('id', params.id))));

/** 201 with the label and the judgment's new version; 409 when expected_version is stale. */
export const POST = route<{ id: string }>({ role: 'annotator' }, async ({ request, params, actor }) => {
  const id = idParam('id', params.id);
  const body = await parseJsonBody(request, labelBodySchema);
  return Response.json(await addLabel(actor, id, body), { status: 201 });
});
