import { revokeApiKey } from '@/lib/server/api-keys';
import { idParam } from '@/lib/server/body';
import { route } from '@/lib/server/route';

/** Revokes the key; the row stays so that the list still shows it, revoked. */
export const DELETE = route<{ id: string }>({ role: 'admin' }, async ({ params }) => Response.json({ api_key: await revokeApiKey(idParam('id', params.id)) }));
