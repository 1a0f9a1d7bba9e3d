import 'server-only';
// People: accounts, roles, passwords. Sign-in state lives in sessions.ts, scripts' keys in api-keys.ts.
import { getPrisma, isUniqueViolation, type SqlExecutor } from '@/lib/db/prisma';
import type { Prisma } from '@/lib/server/generated/prisma/client';
import { LOCAL_ACTOR, type Actor, type Role } from './auth';
import { ApiError, notFound } from './errors';
import { hashPassword } from './passwords';

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

const USER_SELECT = {
  id: true,
  username: true,
  name: true,
  role: true,
  createdAt: true,
  disabledAt: true,
  passwordHash: true,
  _count: { select: { labels: true } },
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

/** The password hash stays here: the view says only whether there is one. */
const viewOf = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  name: u.name,
  role: u.role,
  created_at: u.createdAt,
  disabled_at: u.disabledAt,
  can_sign_in: u.passwordHash !== null,
  labels: u._count.labels,
});

export async function listUsers(): Promise<UserView[]> {
  return (await getPrisma().user.findMany({ select: USER_SELECT, orderBy: { username: 'asc' } })).map(viewOf);
}

export interface NewUser {
  username: string;
  name?: string | null;
  role: Role;
  password: string;
}

export async function createUser(input: NewUser): Promise<UserView> {
  if (input.username === LOCAL_ACTOR.username) throw new ApiError('bad_request', `field "username": "${LOCAL_ACTOR.username}" is reserved`);
  const hash = await hashPassword(input.password);
  try {
    const u = await getPrisma().user.create({
      data: { username: input.username, name: input.name?.trim() || input.username, role: input.role, passwordHash: hash },
      select: USER_SELECT,
    });
    return viewOf(u);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ApiError('conflict', `field "username": a user named "${input.username}" exists`);
    throw e;
  }
}

export interface UserChange {
  name?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

/** Whether the change would leave nobody who can sign in as admin. */
async function removesLastAdmin(tx: Prisma.TransactionClient, user: { id: number; role: Role; disabledAt: Date | null }, change: UserChange): Promise<boolean> {
  if (change.role === undefined && change.disabled !== true) return false;
  if (change.role === 'admin' && change.disabled !== true) return false;
  if (user.role !== 'admin' || user.disabledAt !== null) return false;
  const others = await tx.user.count({ where: { role: 'admin', disabledAt: null, passwordHash: { not: null }, id: { not: user.id } } });
  return others === 0;
}

/** One transaction: the checks, the change, and the end of the person's sessions where it asks for it. */
export async function updateUser(id: number, change: UserChange): Promise<UserView> {
  const hash = change.password === undefined ? undefined : await hashPassword(change.password);
  return getPrisma().$transaction(async (tx) => {
    // Serializes admin changes so that two admins demoting each other cannot both succeed.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('routelens.users.admins'))`;
    const [user] = await tx.$queryRaw<{ id: number; username: string; role: Role; disabledAt: Date | null }[]>`
      SELECT id, username, role::text AS role, disabled_at AS "disabledAt" FROM users WHERE id = ${id} FOR UPDATE`;
    if (!user) throw notFound(`user ${id}`);
    if (user.username === LOCAL_ACTOR.username && hash !== undefined) {
      throw new ApiError('bad_request', 'field "password": the local user signs in only with sign-in off');
    }
    if (await removesLastAdmin(tx, user, change)) {
      throw new ApiError('conflict', 'this would leave no admin who can sign in; make another admin first');
    }
    const data: Prisma.UserUpdateInput = {};
    if (change.name !== undefined) data.name = change.name;
    if (change.role !== undefined) data.role = change.role;
    if (change.disabled !== undefined) data.disabledAt = change.disabled ? (user.disabledAt ?? new Date()) : null;
    if (hash !== undefined) data.passwordHash = hash;
    const updated = await tx.user.update({ where: { id }, data, select: USER_SELECT });
    // A new password or a disabled account ends every sign-in of that person.
    if (hash !== undefined || change.disabled === true) await tx.session.deleteMany({ where: { userId: id } });
    return viewOf(updated);
  });
}

/**
 * The users row behind an actor. With sign-in off the local actor has none until it first writes
 * something that names a person (a label, a lease, a key): then a passwordless `local` admin is made,
 * so that every label still has an author and a user.
 */
export async function userIdOf(db: SqlExecutor, actor: Actor): Promise<number> {
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
export async function existingUserId(db: SqlExecutor, actor: Actor): Promise<number | null> {
  if (actor.userId !== null) return actor.userId;
  const r = await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [LOCAL_ACTOR.username]);
  return r.rows[0]?.id ?? null;
}
