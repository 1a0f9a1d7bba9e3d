import { ApiError } from '@/lib/server/errors';
import { eventStream } from '@/lib/server/events';
import { route } from '@/lib/server/route';

// A run that has no trajectory yet may be watched: its first batch is its first event.
export const GET = route<{ id: string }>({ role: 'viewer', scopes: ['ingest'] }, async ({ request, params, url }) => {
  if (params.id.length === 0 || params.id.length > 200 || params.id.includes('\u0000')) throw new ApiError('not_found', 'run not found');
  return eventStream(request, url, params.id);
});
