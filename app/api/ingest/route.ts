import { route } from '@/lib/server/route';
import { ingest } from '@/lib/server/ingest';

export const POST = route({ role: 'admin', scopes: ['ingest'] }, ({ request, url }) => ingest(request, url));
