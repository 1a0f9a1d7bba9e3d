// Where routelens's database is: DATABASE_URL when it is set, the embedded default otherwise.
import { startEmbedded, type EmbeddedInstance } from './embedded';

export interface ResolvedDatabase {
  /** What the app and the CLIs connect with (on the embedded server: a role that owns nothing). */
  url: string;
  /** What migrations run as (on the embedded server: the owner of the database's objects). */
  migrateUrl: string;
  /** A superuser of the embedded server (creating shadow databases); undefined with DATABASE_URL. */
  adminUrl?: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function resolveDatabase(log: (line: string) => void = () => undefined): Promise<ResolvedDatabase> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return { url, migrateUrl: url, embedded: false, stop: async () => undefined };
  const inst: EmbeddedInstance = await startEmbedded({ log });
  return { url: inst.url, migrateUrl: inst.migrateUrl, adminUrl: inst.adminUrl, embedded: true, stop: () => inst.stop() };
}
