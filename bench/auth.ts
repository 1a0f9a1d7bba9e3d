// Benchmarks run as routelens runs for a team: sign-in on, every HTTP request carrying an API key
// (the label benchmark signs its annotators in with sessions). The key is made through the app's own
// functions, so what a key lookup costs is what the routes pay.
import crypto from 'node:crypto';
import { createApiKey } from '@/lib/server/api-keys';
import type { Role } from '@/lib/server/auth';
import { createUser } from '@/lib/server/users';

/** Sign-in required from here on (as with a DATABASE_URL server); returns the previous settings to restore. */
export function requireSignIn(): () => void {
  const saved = { embedded: process.env.ROUTELENS_EMBEDDED, auth: process.env.ROUTELENS_AUTH };
  process.env.ROUTELENS_EMBEDDED = 'false';
  delete process.env.ROUTELENS_AUTH;
  return () => {
    for (const [k, v] of [
      ['ROUTELENS_EMBEDDED', saved.embedded],
      ['ROUTELENS_AUTH', saved.auth],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export interface BenchKey {
  key: string;
  /** The header every request sends. */
  headers: Record<string, string>;
}

/** A user of this role with an API key of its own (in the database DATABASE_URL names). */
export async function benchApiKey(role: Role = 'viewer', name = `bench-${role}`): Promise<BenchKey> {
  const user = await createUser({ username: `${name}-${crypto.randomBytes(3).toString('hex')}`, role, password: crypto.randomBytes(18).toString('base64url') });
  const { key } = await createApiKey(user.id, `${name} key`);
  return { key, headers: { authorization: `Bearer ${key}` } };
}
