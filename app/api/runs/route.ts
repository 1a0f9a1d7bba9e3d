import { z } from 'zod';
import { paramsObject } from '@/lib/schemas/filters';
import { parseParams } from '@/lib/server/params';
import { route } from '@/lib/server/route';
import { listRuns } from '@/lib/server/queries/runs';
import { resolveViewSettings } from '@/lib/server/view-settings';

const runsParams = z.object({
  benchmark: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  reference: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

// An ingest-scoped key may read the runs, to check what it stored.
export const GET = route({ role: 'viewer', scopes: ['ingest'] }, async ({ url }) => {
  const view = await resolveViewSettings(url.searchParams);
  const opts = parseParams((p) => runsParams.parse(paramsObject(p, ['benchmark', 'reference'])), url.searchParams);
  return Response.json({
    runs: await listRuns(view, opts),
    judge: view.judge,
    lambda: view.lambda,
    mu: view.mu,
    benchmark: opts.benchmark ?? null,
    reference: opts.reference ?? null,
  });
});
