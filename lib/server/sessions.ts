import 'server-only';
// Signing in and out. A session is a random token in an HttpOnly cookie; the database keeps only its
// sha256, so a copy of the database cannot be used to sign in. Each session has its own CSRF token.
import crypto from 'node:crypto';
import { getPrisma } from '@/lib/db/prisma';
import { cookieValue, sha256Hex, signInRequired, SESSION_COOKIE, type Actor, type Role } from './auth';
import { ApiError } from './errors';
import { attemptSucceeded, clientAddress, countAttempt, withVerificationSlot } from './login-throttle';
import { verifyPassword } from './passwords';
import { settings } from './settings';

function isHttps(request: Request): boolean {
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto ? proto === 'https' : new URL(request.url).protocol === 'https:';
}

function cookieHeader(request: Request, value: string, maxAgeSeconds: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (isHttps(request)) parts.push('Secure');
  return parts.join('; ');
}

export interface SignedIn {
  user: { id: number; username: string; name: string; role: Role };
  csrf_token: string;
}

async function openSession(userId: number): Promise<{ token: string; csrfToken: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const prisma = getPrisma();
  const now = new Date();
  await prisma.$transaction([
    prisma.session.create({
      data: { tokenHash: sha256Hex(token), userId, csrfToken, expiresAt: new Date(now.getTime() + settings.sessionHours * 3_600_000) },
    }),
    // Expired sessions of this person go when they sign in again: no sweeper needed.
    prisma.session.deleteMany({ where: { userId, expiresAt: { lte: now } } }),
  ]);
  return { token, csrfToken };
}

/**
 * POST /api/auth/login: counts the attempt (login-throttle.ts), then checks the password, at most a
 * few at a time, and sets the cookie.
 */
export async function login(request: Request, username: string, password: string): Promise<Response> {
  const address = clientAddress(request);
  const wait = await countAttempt(username, address);
  if (wait > 0) {
    throw new ApiError('rate_limited', `too many failed sign-ins; try again in ${wait} s`, { retry_after_seconds: wait }, { 'Retry-After': String(wait) });
  }
  const user = await getPrisma().user.findFirst({
    where: { username, disabledAt: null },
    select: { id: true, username: true, name: true, role: true, passwordHash: true },
  });
  // verifyPassword spends the same time for an unknown user as for a wrong password.
  const ok = await withVerificationSlot(() => verifyPassword(password, user?.passwordHash ?? null));
  if (!user || !ok) throw new ApiError('unauthenticated', 'wrong username or password');
  await attemptSucceeded(username, address);
  const { token, csrfToken } = await openSession(user.id);
  const body: SignedIn = { user: { id: user.id, username: user.username, name: user.name, role: user.role }, csrf_token: csrfToken };
  return Response.json(body, { headers: { 'Set-Cookie': cookieHeader(request, token, Math.round(settings.sessionHours * 3600)) } });
}

/** POST /api/auth/logout: ends the session named by the cookie, if any, and clears the cookie. */
export async function logout(request: Request): Promise<Response> {
  const token = cookieValue(request, SESSION_COOKIE);
  if (token) await getPrisma().session.deleteMany({ where: { tokenHash: sha256Hex(token) } });
  return new Response(null, { status: 204, headers: { 'Set-Cookie': cookieHeader(request, '', 0) } });
}

export interface Me {
  user: { id: number | null; username: string; name: string; role: Role };
  via: Actor['via'];
  sign_in_required: boolean;
  /** Send it as x-csrf-token on every write made with the session cookie; null when none is needed. */
  csrf_token: string | null;
}

export function me(actor: Actor): Me {
  return {
    user: { id: actor.userId, username: actor.username, name: actor.name, role: actor.role },
    via: actor.via,
    sign_in_required: signInRequired(),
    csrf_token: actor.csrfToken ?? null,
  };
}
