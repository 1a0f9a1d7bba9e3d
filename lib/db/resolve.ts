// Where routelens's database is: DATABASE_URL when it is set, the embedded default otherwise.
import { startEmbedded, type EmbeddedInstance } from './embedded';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function resolveDatabase(log: (line: string) => void = () => undefined): Promise<ResolvedDatabase> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return { url, embedded: false, stop: async () => undefined };
  const inst: EmbeddedInstance = await startEmbedded({ log });
  return { url: inst.url, embedded: true, stop: () => inst.stop() };
}
