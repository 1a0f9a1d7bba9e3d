import { parseAgreementRequest } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { agreement, agreementByJudge, agreementSeries } from '@/lib/server/queries/agreement';
import { route } from '@/lib/server/route';

export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const params = parseParams(parseAgreementRequest, url.searchParams);
  if (params.over !== undefined) return Response.json(await agreementSeries({ ...params, over: params.over }));
  return Response.json(await (params.by === 'judge' ? agreementByJudge(params) : agreement(params)));
});
