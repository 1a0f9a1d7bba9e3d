import 'server-only';
// People: accounts, roles, passwords. Sign-in state lives in sessions.ts, scripts' keys in api-keys.ts.
import type pg from 'pg';
import { getPool, withTransaction } from '@/lib/db/pool';
import { LOCAL_ACTOR, type Actor, type Role } from './auth';
import { ApiError, notFound } from './errors';
import { hashPassword } from './passwords';
import { queryRows, sql } from './sql';

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: Role;
  created_at: Date;
  disabled_at: Date | null;
  can_sign_in: boolean;
  labels: number;
}

const USER_COLUMNS = sql`u.id, u.username, u.name, u.role, u.created_at, u.disabled_at, u.password_hash IS NOT NULL AS can_sign_in,
  (SELECT count(*) FROM labels l WHERE l.user_id = u.id)::int AS labels`;

export async function listUsers(): Promise<UserView[]> {
  return queryRows<UserView>(getPool(), sql`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`);
}

async function userById(db: pg.Pool | pg.PoolClient, id: number): Promise<UserView> {
  const u = (await queryRows<UserView>(db, sql`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${id}`))[0];
  if (!u) throw notFound(`user ${id}`);
  return u;
}

export interface NewUser {
  username: string;
  name?: string | null;
  role: Role;
  password: string;
}

export async function createUser(input: NewUser, db: pg.Pool | pg.PoolClient = getPool()): Promise<UserView> {
  if (input.username === LOCAL_ACTOR.username) throw new ApiError('bad_request', `field "username": "${LOCAL_ACTOR.username}" is reserved`);
  const hash = await hashPassword(input.password);
  const r = await db.query<{ id: number }>(
    `INSERT INTO users (username, name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING id`,
    [input.username, input.name?.trim() || input.username, input.role, hash],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new ApiError('conflict', `field "username": a user named "${input.username}" exists`);
  return userById(db, id);
}

export interface UserChange {
  name?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

/** Whether the change would leave nobody who can sign in as admin. */
async function removesLastAdmin(client: pg.PoolClient, id: number, change: UserChange): Promise<boolean> {
  if (change.role === undefined && change.disabled !== true) return false;
  if (change.role === 'admin' && change.disabled !== true) return false;
  const r = await client.query<{ others: number; is_admin: boolean }>(
    `SELECT (SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND password_hash IS NOT NULL AND id <> $1)::int AS others,
            EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'admin' AND disabled_at IS NULL) AS is_admin`,
    [id],
  );
  const row = r.rows[0];
  return !!row && row.is_admin && row.others === 0;
}

export async function updateUser(id: number, change: UserChange): Promise<UserView> {
  const hash = change.password === undefined ? undefined : await hashPassword(change.password);
  return withTransaction(async (client) => {
    // Serializes admin changes so that two admins demoting each other cannot both succeed.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('routelens.users.admins'))`);
    const exists = await client.query<{ username: string }>('SELECT username FROM users WHERE id = $1 FOR UPDATE', [id]);
    if (exists.rowCount === 0) throw notFound(`user ${id}`);
    if (exists.rows[0]?.username === LOCAL_ACTOR.username && hash !== undefined) {
      throw new ApiError('bad_request', 'field "password": the local user signs in only with sign-in off');
    }
    if (await removesLastAdmin(client, id, change)) {
      throw new ApiError('conflict', 'this would leave no admin who can sign in; make another admin first');
    }
    if (change.name !== undefined) await client.query('UPDATE users SET name = $2 WHERE id = $1', [id, change.name]);
    if (change.role !== undefined) await client.query('UPDATE users SET role = $2 WHERE id = $1', [id, change.role]);
    if (change.disabled !== undefined) {
      await client.query('UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE id = $1', [id, change.disabled]);
    }
    if (hash !== undefined) await client.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, hash]);
    // A new password or a disabled account ends every sign-in of that person.
    if (hash !== undefined || change.disabled === true) await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    return userById(client, id);
  });
}

/**
 * The users row behind an actor. With sign-in off the local actor has none until it first writes
 * something that names a person (a label, a lease, a key): then a passwordless `local` admin is made,
 * so that every label still has an author and a user.
 */
export async function userIdOf(db: pg.Pool | pg.PoolClient, actor: Actor): Promise<number> {
  if (actor.userId !== null) return actor.userId;
  // Two attempts: a statement that lost the insert race to a transaction committing meanwhile does
  // not see that row in its own snapshot; the next statement does.
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await db.query<{ id: number }>(
      `WITH made AS (
         INSERT INTO users (username, name, role) VALUES ($1, $2, 'admin') ON CONFLICT (username) DO NOTHING RETURNING id
       )
       SELECT id FROM made UNION ALL SELECT id FROM users WHERE username = $1`,
      [LOCAL_ACTOR.username, LOCAL_ACTOR.name],
    );
    const id = r.rows[0]?.id;
    if (id !== undefined) return id;
  }
  throw new Error('routelens: the local user could not be made');
}

/** The users row behind an actor when there is one, without making the local user (for reads). */
export async function existingUserId(db: pg.Pool | pg.PoolClient, actor: Actor): Promise<number | null> {
  if (actor.userId !== null) return actor.userId;
  const r = await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [LOCAL_ACTOR.username]);
  return r.rows[0]?.id ?? null;
}
