import { newJudgmentBodySchema } from '@/lib/schemas/labels';
import { parseJsonBody } from '@/lib/server/body';
import { addHumanJudgment } from '@/lib/server/labels';
import { route } from '@/lib/server/route';

// Trajectory ids hold slashes: clients send them encoded (%2F) and Next decodes them into params.id.
/** A person's judgment of a criterion on steps the judge did not score, with its first label. */
export const POST = route<{ id: string }>({ role: 'annotator' }, async ({ request, params, actor }) => {
  const body = await parseJsonBody(request, newJudgmentBodySchema);
  return Response.json(await addHumanJudgment(actor, params.id, body), { status: 201 });
});
