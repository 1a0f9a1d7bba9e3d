// A Content Security Policy on every page: scripts run only from this origin and with this request's
// nonce (Next applies it to its own scripts), so markup that slips into a rendered text cannot run.
// Inline style attributes stay allowed: KaTeX and the charts position with them, and styles cannot run code.
//
// Before that, every request (pages, their prefetches and data, the API) passes the request guard:
// another site's name in Host, or a write from another site's page, gets nothing (lib/server/request-guard.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { refusal } from '@/lib/server/request-guard';

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function isPrefetch(request: NextRequest): boolean {
  return request.headers.has('next-router-prefetch') || request.headers.get('purpose') === 'prefetch';
}

export function proxy(request: NextRequest) {
  const refused = refusal(request);
  if (refused) {
    return Response.json({ error: { code: refused.code, message: refused.message } }, { status: refused.status });
  }
  if (request.nextUrl.pathname.startsWith('/api/') || isPrefetch(request)) {
    const response = NextResponse.next();
    response.headers.set('X-Content-Type-Options', 'nosniff');
    return response;
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'same-origin');
  return response;
}

// Static assets are the same for everyone and hold no data; everything else passes the guard.
export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
