// The first start of a fresh database makes an admin, so that there is always someone who can sign
// in, and says how; with sign-in off (the single-user embedded default) it says that too.
import { signInRequired } from '@/lib/server/auth';
import { hashPassword, randomPassword } from '@/lib/server/passwords';
import { getPool } from './pool';

export const FIRST_ADMIN = 'admin';

export interface FirstAdminOptions {
  embedded: boolean;
  log: (line: string) => void;
  /** Where the app will be, for the sign-in hint. */
  url?: string;
}

/** Returns the password of the admin it made, or null when someone who can sign in existed already. */
export async function ensureFirstAdmin(opts: FirstAdminOptions): Promise<string | null> {
  const pool = getPool();
  const signIn = signInRequired(opts.embedded);
  const anyone = await pool.query('SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1');
  let made: string | null = null;
  if (anyone.rowCount === 0) {
    const password = randomPassword();
    const r = await pool.query(
      `INSERT INTO users (username, name, role, password_hash) VALUES ($1, 'Administrator', 'admin', $2) ON CONFLICT (username) DO NOTHING`,
      [FIRST_ADMIN, await hashPassword(password)],
    );
    if (r.rowCount === 1) made = password;
  }
  const where = `${opts.url ?? ''}/login`;
  if (!signIn) {
    opts.log('routelens: sign-in is off (single-user local install: whoever reaches the port is admin); ROUTELENS_AUTH=on requires it.');
    if (made) opts.log(`routelens: for when it is on, made user "${FIRST_ADMIN}" with password ${made}`);
  } else if (made) {
    opts.log(`routelens: made the first user: sign in at ${where} as "${FIRST_ADMIN}" with password ${made}`);
    opts.log('routelens: (shown once; reset it with: npx tsx --conditions=react-server scripts/users.ts passwd admin)');
  }
  return made;
}
