import path from 'node:path';
// Settings, read from the environment once. Each has a default that suits a laptop.
const num = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`routelens: setting ${name}=${v} is not a non-negative number`);
  return n;
};

const text = (name: string, fallback: string): string => {
  const v = process.env[name]?.trim();
  return v ? v : fallback;
};

export const settings = {
  /**
   * Where a deletion that takes human labels with it writes their labels export first (relative paths
   * from the directory routelens runs in: the repository).
   */
  get labelsBackupDir() {
    return path.resolve(text('ROUTELENS_LABELS_BACKUP_DIR', path.join('.data', 'deleted-labels')));
  },
  /** Largest request body of POST /api/ingest, in bytes as sent (compressed when gzip). */
  get ingestMaxBodyBytes() {
    return num('ROUTELENS_INGEST_MAX_BYTES', 1024 ** 3);
  },
  /** Largest decompressed input of one ingest: a gzip bomb stops here. */
  get ingestMaxDecodedBytes() {
    return num('ROUTELENS_INGEST_MAX_DECODED_BYTES', 8 * 1024 ** 3);
  },
  /** How long a sign-in lasts, in hours. */
  get sessionHours() {
    return num('ROUTELENS_SESSION_HOURS', 14 * 24);
  },
  /** Failed sign-ins per username and address within loginWindowMinutes before 429. */
  get loginMaxFailures() {
    return num('ROUTELENS_LOGIN_MAX_FAILURES', 10);
  },
  get loginWindowMinutes() {
    return num('ROUTELENS_LOGIN_WINDOW_MINUTES', 15);
  },
  /** Password checks (scrypt) that run at once in one process; more wait briefly, then get 429. */
  get loginConcurrency() {
    return num('ROUTELENS_LOGIN_CONCURRENCY', 2);
  },
  /**
   * How many proxies in front append to X-Forwarded-For (0: none, the header is not read). `true`
   * means one.
   */
  get trustProxy() {
    const v = process.env.ROUTELENS_TRUST_PROXY?.trim().toLowerCase();
    if (v === 'true' || v === 'yes' || v === 'on') return 1;
    if (v === 'false' || v === 'no' || v === 'off') return 0;
    const n = num('ROUTELENS_TRUST_PROXY', 0);
    if (!Number.isInteger(n)) throw new Error(`routelens: setting ROUTELENS_TRUST_PROXY=${v} is not a number of proxies`);
    return n;
  },
  /** Exports that one person may stream at once (per app process); more get 429. */
  get exportsPerPerson() {
    return num('ROUTELENS_EXPORTS_PER_PERSON', 2);
  },
  /** Exports that stream at once in one app process, each on a connection of the export pool. */
  get exportsMax() {
    return num('ROUTELENS_EXPORTS_MAX', 4);
  },
  /** A download that takes no bytes for this long is cut off and its connection returned. */
  get exportIdleSeconds() {
    return num('ROUTELENS_EXPORT_IDLE_SECONDS', 60);
  },
  /** How long an annotator holds a queue item that they took, in minutes. */
  get leaseMinutes() {
    return num('ROUTELENS_LEASE_MINUTES', 5);
  },
  /** Most items that one annotation queue may hold. */
  get queueMaxItems() {
    return num('ROUTELENS_QUEUE_MAX_ITEMS', 10_000);
  },
  /** Pairs that one pairs request or preference export may build; above it the request is refused (400). */
  get pairsMax() {
    return num('ROUTELENS_PAIRS_MAX', 1_000_000);
  },
  /** Ingest events kept for the live view's resume (Last-Event-ID); older ones are pruned at ingest. */
  get eventsRetain() {
    return num('ROUTELENS_EVENTS_RETAIN', 10_000);
  },
  /** Seconds between heartbeats on an idle event stream (proxies close silent connections). */
  get eventsHeartbeatSeconds() {
    return num('ROUTELENS_EVENTS_HEARTBEAT_SECONDS', 15);
  },
};
