import { route } from '@/lib/server/route';
import { exportResponse } from '@/lib/server/exports';

export const GET = route<{ kind: string }>({ role: 'viewer' }, ({ params, url, actor }) => exportResponse(params.kind, url, actor.username));
