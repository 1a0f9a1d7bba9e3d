import { route } from '@/lib/server/route';
import { logout } from '@/lib/server/sessions';

export const POST = route({ role: 'public' }, ({ request }) => logout(request));
