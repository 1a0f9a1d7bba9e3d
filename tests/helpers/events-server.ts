// An app process for the live-view tests: a node:http server on 127.0.0.1 that serves the two event
// routes through their route handlers (app/api/.../events/route.ts), as `next start` would, with its
// own pool and its own event hub. Prints `listening <port>` when ready; stops on SIGTERM.
//
//   DATABASE_URL=... ROUTELENS_EMBEDDED=true npx tsx --conditions=react-server tests/helpers/events-server.ts
import http from 'node:http';
import { Readable } from 'node:stream';
import { GET as runEvents } from '@/app/api/runs/[id]/events/route';
import { GET as allEvents } from '@/app/api/events/route';
import { closePool } from '@/lib/db/pool';
import { closeEventHub } from '@/lib/server/events';

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const request = new Request(url, { headers, signal: abort.signal });
  const m = /^\/api\/runs\/([^/]+)\/events$/.exec(url.pathname);
  const handler = m
    ? runEvents(request, { params: Promise.resolve({ id: decodeURIComponent(m[1]!) }) })
    : url.pathname === '/api/events'
      ? allEvents(request, { params: Promise.resolve({}) })
      : null;
  if (!handler) {
    res.writeHead(404).end();
    return;
  }
  handler.then(
    (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.flushHeaders();
      if (!r.body) return res.end();
      const body = Readable.fromWeb(r.body as import('node:stream/web').ReadableStream);
      body.pipe(res);
      res.on('close', () => body.destroy());
    },
    (e: unknown) => {
      res.writeHead(500).end(String(e));
    },
  );
});

server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : 0}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void closeEventHub()
    .then(closePool)
    .finally(() => process.exit(0));
});
