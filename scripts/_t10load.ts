import { Readable } from 'node:stream';
import { generateTrainingTraces } from '@/lib/generate';
import { loadDemoData } from '@/lib/db/demo';
import { closePool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { ingestStream } from '@/lib/ingest/pipeline';
const server = await prepareTestServer();
const db = await createTestDatabase(server.adminUrl, server.template, 'train10load');
process.env.DATABASE_URL = db.url;
try {
  let t = Date.now();
  const a = await loadDemoData();
  console.log('demo', a.stored, Date.now() - t, 'ms');
  t = Date.now();
  const b = await ingestStream(Readable.from((function* () { for (const l of generateTrainingTraces()) yield Buffer.from(JSON.stringify(l) + '\n'); })()));
  console.log('training', b.stored, b.failed, Date.now() - t, 'ms', JSON.stringify(b.errors?.slice?.(0, 2)));
} finally {
  await closePool();
  await db.drop();
  await server.stop();
}
