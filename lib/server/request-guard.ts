// Other websites are refused, with sign-in on or off. Two rules, applied to every request by proxy.ts
// (pages, their data, exports, the API) and again by route() for the API:
//
// - Host: only loopback names (localhost, *.localhost, 127.0.0.0/8, ::1) and the host of
//   ROUTELENS_PUBLIC_URL are this server. Any other name is a page of another site whose DNS now
//   points here (DNS rebinding): it would read what the browser can, so it gets 421 and nothing else.
// - Writes (any method but GET, HEAD, OPTIONS) that a browser sends for another site: an Origin that
//   is not this server's (or "null"), or Sec-Fetch-Site: cross-site, get 403. Browsers send Origin on
//   every such request, even `mode: 'no-cors'` ones; scripts and the CLI send none and are let through.
// - Reads of the API (route() for every non-public route) that a browser sends for another site's page
//   other than a top-level navigation (isForeignSubresource): 403 as well.
//
// This module reads only the environment and the request (no database), so proxy.ts can use it.

export interface Refusal {
  status: 403 | 421;
  code: 'forbidden' | 'misdirected_request';
  message: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The public address that people and proxies use, if set: its host is allowed, its origin may write. */
export function publicUrl(): URL | null {
  const raw = process.env.ROUTELENS_PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`routelens: ROUTELENS_PUBLIC_URL=${raw} is not a URL (e.g. https://routelens.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`routelens: ROUTELENS_PUBLIC_URL=${raw} must be an http: or https: URL`);
  }
  return url;
}

/** The host name of a Host header or URL host ("[::1]:3000" -> "::1"), lower case, no trailing dot. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    name === '0:0:0:0:0:0:0:1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

export function hostAllowed(host: string): boolean {
  const name = hostName(host);
  if (name === '') return false;
  if (isLoopbackName(name)) return true;
  const pub = publicUrl();
  return pub !== null && hostName(pub.host) === name;
}

interface RequestLike {
  method: string;
  url: string;
  headers: Headers;
}

/** The Host that the client asked for: the header, or the URL's host for requests made in-process. */
function requestHost(request: RequestLike): string {
  return request.headers.get('host') ?? new URL(request.url).host;
}

function originAllowed(origin: string, host: string): boolean {
  if (origin === 'null') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.host.toLowerCase() === host.trim().toLowerCase()) return true;
  const pub = publicUrl();
  return pub !== null && o.origin === pub.origin;
}

/** Why the request is refused, or null when it may go on. */
export function refusal(request: RequestLike): Refusal | null {
  const host = requestHost(request);
  if (!hostAllowed(host)) {
    return {
      status: 421,
      code: 'misdirected_request',
      message: `"${host}" is not a name of this server; set ROUTELENS_PUBLIC_URL to the address people use (loopback names are always allowed)`,
    };
  }
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (request.headers.get('sec-fetch-site')?.toLowerCase() === 'cross-site') {
    return { status: 403, code: 'forbidden', message: 'a request from another website may not change anything here' };
  }
  const origin = request.headers.get('origin');
  if (origin !== null && !originAllowed(origin, host)) {
    return { status: 403, code: 'forbidden', message: `a request from ${origin} (another website) may not change anything here` };
  }
  return null;
}

/**
 * A request that a browser sends for a page of another site (Fetch Metadata: Sec-Fetch-Site cross-site,
 * or same-site, as another port of localhost is) other than a top-level navigation, which is a person
 * following a link. Scripts send no Sec-Fetch-* headers; this site's pages send same-origin.
 */
export function isForeignSubresource(request: RequestLike): boolean {
  const site = request.headers.get('sec-fetch-site')?.toLowerCase();
  if (site !== 'cross-site' && site !== 'same-site') return false;
  const navigation = request.headers.get('sec-fetch-mode')?.toLowerCase() === 'navigate' && request.headers.get('sec-fetch-dest')?.toLowerCase() === 'document';
  return !navigation;
}

/**
 * Why `npm start` must not serve on `host`, or null. With sign-in off whoever reaches the port is
 * admin, so the local mode listens on loopback addresses only.
 */
export function listenProblem(host: string, signIn: boolean): string | null {
  if (signIn || isLoopbackName(hostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host))) return null;
  return (
    `routelens: HOST=${host} would serve the network while sign-in is off (the embedded single-user mode), ` +
    'so anyone who reaches the port would be admin. Serve on this machine only (leave HOST unset, or HOST=127.0.0.1), ' +
    'or turn sign-in on with ROUTELENS_AUTH=on (the first start prints the admin password; see docs/security.md).'
  );
}
