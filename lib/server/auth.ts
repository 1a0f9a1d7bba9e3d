import 'server-only';
// Who is calling. With sign-in off (the single-user embedded default) every request is the local
// admin; otherwise a session cookie or an API key names a user and their role.
export type Role = 'viewer' | 'annotator' | 'admin';
export const ROLE_RANK: Record<Role, number> = { viewer: 0, annotator: 1, admin: 2 };

export interface Actor {
  userId: number | null;
  username: string;
  name: string;
  role: Role;
  via: 'local' | 'session' | 'api_key';
  csrfToken?: string;
}

export const LOCAL_ACTOR: Actor = { userId: null, username: 'local', name: 'local user', role: 'admin', via: 'local' };

/**
 * Whether requests must sign in. The embedded default (one person on their own machine) skips
 * sign-in unless ROUTELENS_AUTH=on; with DATABASE_URL naming a server, sign-in is always required.
 */
export function signInRequired(): boolean {
  if (process.env.ROUTELENS_EMBEDDED !== 'true') return true;
  const v = process.env.ROUTELENS_AUTH?.trim().toLowerCase();
  return v === 'on' || v === 'true';
}

export async function authenticate(_request: Request): Promise<Actor | null> {
  if (!signInRequired()) return LOCAL_ACTOR;
  return null;
}

export function checkCsrf(_request: Request, _actor: Actor): void {
  return;
}
