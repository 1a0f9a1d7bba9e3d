import { parseRewardParams } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { trajectoryScores } from '@/lib/server/queries/scores';
import { route } from '@/lib/server/route';

export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, url }) =>
  Response.json(await trajectoryScores(params.id, parseParams(parseRewardParams, url.searchParams))),
);
