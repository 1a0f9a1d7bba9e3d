import { parseExportRequest } from '@/lib/schemas/exports';
import { getPool } from '@/lib/db/pool';
import { parseParams } from '@/lib/server/params';
import { exportCounts } from '@/lib/server/queries/export-counts';
import { route } from '@/lib/server/route';

// The rows each export kind would write for these filters and settings, and why a kind would be empty.
export const GET = route({ role: 'viewer' }, async ({ url }) => {
  const req = parseParams((p) => parseExportRequest('traces', p), url.searchParams);
  return Response.json(await exportCounts(getPool(), req.filter, req.settings));
});
