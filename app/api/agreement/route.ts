import { parseAgreementParams } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { agreement } from '@/lib/server/queries/agreement';
import { route } from '@/lib/server/route';

export const GET = route({ role: 'viewer' }, async ({ url }) => Response.json(await agreement(parseParams(parseAgreementParams, url.searchParams))));
