// Whether an error means the database cannot be reached (refused, reset, shut down, timed out), as
// opposed to a query that failed: ingest stops on it rather than reporting a bad line, and the API
// answers 503 database_unavailable.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  if (code && CONNECTION_CODES.has(code)) return true;
  const msg = (e as Error | null)?.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
}
