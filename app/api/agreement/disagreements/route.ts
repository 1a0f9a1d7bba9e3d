import { parseDisagreementParams } from '@/lib/schemas/read';
import { parseParams } from '@/lib/server/params';
import { disagreements } from '@/lib/server/queries/disagreements';
import { route } from '@/lib/server/route';

export const GET = route({ role: 'viewer' }, async ({ url }) => Response.json(await disagreements(parseParams(parseDisagreementParams, url.searchParams))));
