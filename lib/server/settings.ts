// Settings, read from the environment once. Each has a default that suits a laptop.
const num = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`routelens: setting ${name}=${v} is not a non-negative number`);
  return n;
};

export const settings = {
  /** Largest request body of POST /api/ingest, in bytes as sent (compressed when gzip). */
  get ingestMaxBodyBytes() {
    return num('ROUTELENS_INGEST_MAX_BYTES', 1024 ** 3);
  },
  /** Largest decompressed input of one ingest: a gzip bomb stops here. */
  get ingestMaxDecodedBytes() {
    return num('ROUTELENS_INGEST_MAX_DECODED_BYTES', 8 * 1024 ** 3);
  },
};
