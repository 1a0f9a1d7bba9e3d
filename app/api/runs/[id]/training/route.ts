import { parseTrainingParams } from '@/lib/schemas/training';
import { parseParams } from '@/lib/server/params';
import { trainingCurve } from '@/lib/server/queries/training';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await trainingCurve(params.id, parseParams(parseTrainingParams, url.searchParams))),
);
