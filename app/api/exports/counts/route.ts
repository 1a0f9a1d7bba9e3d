import { parseExportRequest } from '@/lib/schemas/exports';
import { parseParams } from '@/lib/server/params';
import { exportCounts } from '@/lib/server/queries/export-counts';
import { route } from '@/lib/server/route';
import { reads } from '@/lib/server/reads';

// The rows each export kind would write for these filters and settings, and why a kind would be empty.
export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const req = parseParams((p) => parseExportRequest('traces', p), url.searchParams);
  return Response.json(await exportCounts(reads(), req.filter, req.settings));
});
