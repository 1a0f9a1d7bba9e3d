import { z } from 'zod';
import { paramsObject } from '@/lib/schemas/filters';
import { parseParams } from '@/lib/server/params';
import { listJudges } from '@/lib/server/queries/judges';
import { route } from '@/lib/server/route';

const judgesParams = z.object({
  run: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const { run } = parseParams((p) => judgesParams.parse(paramsObject(p, ['run'])), url.searchParams);
  return Response.json({ judges: await listJudges(run) });
});
