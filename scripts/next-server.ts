// `next start` as npm start runs it: Next's own request handler behind a plain Node HTTP server that
// tells the app the client's socket address (x-routelens-peer, written over whatever the client
// sent), which `next start` never does: the sign-in throttle counts per address with it
// (lib/server/login-throttle.ts). Started by scripts/serve.ts with ROUTELENS_PEER_HEADER=1.
//
//   tsx scripts/next-server.ts PORT HOST
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { PEER_HEADER } from '../lib/server/peer-header';

const ROOT = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 3000);
  const hostname = process.argv[3] ?? '127.0.0.1';
  const app = next({ dev: false, dir: ROOT, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  console.log(`routelens: serving on http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`);
  const stop = () => {
    server.close();
    // Keep-alive connections would hold the process; the parent waits for the exit.
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`routelens: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
