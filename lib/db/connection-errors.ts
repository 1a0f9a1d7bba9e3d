// Whether an error means the database cannot be reached (refused, reset, shut down, timed out), as
// opposed to a query that failed: ingest stops on it rather than reporting a bad line, and the API
// answers 503 database_unavailable. An error of pg has the code itself; one of Prisma Client carries
// the pg driver's error under meta.driverAdapterError.cause (originalCode, originalMessage, kind).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
const ADAPTER_CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const CONNECTION_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

interface DriverCause {
  originalCode?: string;
  originalMessage?: string;
  kind?: string;
}

export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: DriverCause } }; cause?: DriverCause } | null;
  const code = err?.code;
  if (code && (CONNECTION_CODES.has(code) || PRISMA_CONNECTION_CODES.has(code))) return true;
  if (CONNECTION_MESSAGE.test(err?.message ?? '')) return true;
  const cause = err?.meta?.driverAdapterError?.cause ?? err?.cause;
  if (!cause || typeof cause !== 'object') return false;
  if (cause.kind && ADAPTER_CONNECTION_KINDS.has(cause.kind)) return true;
  if (cause.originalCode && CONNECTION_CODES.has(cause.originalCode)) return true;
  return CONNECTION_MESSAGE.test(cause.originalMessage ?? '');
}
