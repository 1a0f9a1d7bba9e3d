import schema from '@/docs/trace.schema.json';
import { route } from '@/lib/server/route';

// The trace format's JSON Schema (docs/trace.schema.json), at a URL that stays: no sign-in needed, so
// a trace writer's CI can fetch it. It changes only with the format's version (a new URL).
const body = JSON.stringify(schema, null, 2) + '\n';

export const GET = route(
  { role: 'public' },
  async () => new Response(body, { headers: { 'content-type': 'application/schema+json; charset=utf-8', 'cache-control': 'public, max-age=3600' } }),
);
