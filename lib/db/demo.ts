// The demo data that the embedded default loads on its first start: the generator's three runs
// (all-small, an outcome-reward router, a rubric-reward router) over a few hundred math queries.
import { Readable } from 'node:stream';
import { generateTraces } from '@/lib/generate';
import { ingestStream, type IngestSummary } from '@/lib/ingest/pipeline';

export function demoLines(): Readable {
  return Readable.from(
    (function* () {
      for (const line of generateTraces({ seed: 42 })) yield Buffer.from(JSON.stringify(line) + '\n');
    })(),
  );
}

export async function loadDemoData(): Promise<IngestSummary> {
  return ingestStream(demoLines());
}
