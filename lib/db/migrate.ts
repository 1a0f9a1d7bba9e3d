// Creates and applies migrations with Prisma's schema engine compiled to WASM, driven through the pg
// driver adapter. It is the same engine as `prisma migrate`, writes the same `_prisma_migrations`
// table and reads/writes prisma/migrations in Prisma's layout, but needs no engine download, so it
// works offline. `prisma migrate deploy` stays usable wherever the native engine can be had.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
export const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

let patched = false;
// The adapter refuses result columns of pg's internal `"char"` type (OID 18), which the engine's
// catalog queries return (relkind, contype, ...). pg hands those over as one-character strings; the
// engine reads them as characters, as its native driver would give them (PostgreSQL 18 lists NOT NULL
// constraints, contype 'n', where the engine reads contype as a character). So they pass the
// adapter's check as text, and leave it typed as characters.
const CHARACTER = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils
function patchAdapter(adapter: object): void {
  if (patched) return;
  let proto: Record<string, unknown> | null = Object.getPrototypeOf(adapter) as Record<string, unknown>;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'performIO')) {
    proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
  }
  if (!proto) throw new Error('routelens: unexpected @prisma/adapter-pg internals (no performIO)');
  const charColumns = new WeakMap<object, number[]>();
  const original = proto.performIO as (q: unknown) => Promise<{ fields: { dataTypeID: number }[]; rows: object }>;
  proto.performIO = async function performIO(this: unknown, q: unknown) {
    const result = await original.call(this, q);
    const chars: number[] = [];
    result.fields.forEach((f, i) => {
      if (f.dataTypeID === 18) {
        f.dataTypeID = 25;
        chars.push(i);
      }
    });
    if (chars.length) charColumns.set(result.rows, chars);
    return result;
  };
  const queryRaw = proto.queryRaw as (q: unknown) => Promise<{ columnTypes: number[]; rows: object }>;
  proto.queryRaw = async function patchedQueryRaw(this: unknown, q: unknown) {
    const result = await queryRaw.call(this, q);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = CHARACTER;
    return result;
  };
  // The stock executeScript splits a migration on every ";", which breaks function bodies and string
  // literals. One simple-protocol query runs the whole script, and in one implicit transaction, so a
  // migration that fails leaves nothing half-applied.
  const adapterProto = Object.getPrototypeOf(adapter) as {
    executeScript(this: { client: pg.Pool; onError(e: unknown): never }, script: string): Promise<void>;
  };
  adapterProto.executeScript = async function executeScript(script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  patched = true;
}

// A factory like PrismaPg's, except that the shadow database is dropped after its pool is closed
// (the stock adapter drops it first, which fails while its connections are still open).
function adapterFactory(url: string, opened: { dispose(): Promise<void> }[]) {
  const main = new PrismaPg({ connectionString: url });
  return {
    provider: 'postgres' as const,
    adapterName: main.adapterName,
    async connect() {
      const adapter = await main.connect();
      patchAdapter(adapter);
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      const database = `routelens_shadow_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${database}`;
      const pool = new pg.Pool({ connectionString: shadowUrl.toString() });
      const shadow = new PrismaPg(pool, { disposeExternalPool: true });
      const adapter = await shadow.connect();
      patchAdapter(adapter);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await pool.end().catch(() => undefined);
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await c.end();
      };
      return adapter;
    },
  };
}

type SchemaEngineModule = {
  SchemaEngine: { new: (o: unknown, log: (s: string) => void, adapter: object) => Promise<Engine> };
};
let engineModule: Promise<SchemaEngineModule> | null = null;

// The package is laid out for bundlers (it imports its .wasm as a module); in Node we instantiate the
// WebAssembly ourselves and hand it to the generated bindings.
function loadSchemaEngine(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Record<string, unknown> & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bytes = fs.readFileSync(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg as unknown as SchemaEngineModule;
  })();
  return engineModule;
}

async function withEngine<T>(url: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const wasm = await loadSchemaEngine();
  const schema = fs.readFileSync(SCHEMA_PATH, 'utf8');
  const opened: { dispose(): Promise<void> }[] = [];
  const engine = await wasm.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (msg: string) => {
      if (process.env.ROUTELENS_DEBUG_MIGRATE) process.stderr.write(`${msg}\n`);
    },
    // The engine expects the error-capturing form that Prisma's own CLI hands it.
    bindMigrationAwareSqlAdapterFactory(adapterFactory(url, opened) as unknown as Parameters<typeof bindMigrationAwareSqlAdapterFactory>[0]),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // The engine does not close the connections it opened; a template database must have none left.
    await Promise.all(opened.map((a) => a.dispose().catch(() => undefined)));
  }
}

/** The migration folders of prisma/migrations, in the order they apply. */
export function migrationNames(): string[] {
  return fs.existsSync(MIGRATIONS_DIR)
    ? fs
        .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
}

function migrationsList(before?: string) {
  const all = migrationNames();
  if (before !== undefined && !all.includes(before)) throw new Error(`routelens: no migration named ${before} in ${MIGRATIONS_DIR}`);
  const dirs = before === undefined ? all : all.filter((name) => name < before);
  const lockPath = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: 'migration_lock.toml',
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => {
      const file = path.join(MIGRATIONS_DIR, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file) ? { tag: 'ok', value: fs.readFileSync(file, 'utf8') } : { tag: 'error', value: `${file} is missing` },
        },
      };
    }),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * Applies every migration of prisma/migrations that the database has not had yet; with `before`, only
 * those that sort before that migration (tests build a database as an older version left it).
 * The engine's connections keep the server's own TimeZone: a migration that reads stored times
 * (20261201225000_timestamptz) reads them in the zone the app used to write them.
 */
export async function applyMigrations(url: string, options: { before?: string } = {}): Promise<string[]> {
  return withEngine(url, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: migrationsList(options.before), filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/**
 * The SQL that would take the schema that the migrations build (in a shadow database on `url`'s
 * server) to `schema` (prisma/schema.prisma's text by default); '' when they already agree.
 */
export async function schemaDrift(url: string, schema = fs.readFileSync(SCHEMA_PATH, 'utf8')): Promise<string> {
  const sql = await withEngine(url, async (engine) => {
    const list = migrationsList();
    const from = list.migrationDirectories.length ? { tag: 'migrations', ...list } : { tag: 'empty' };
    const out = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return out.stdout ?? '';
  });
  return !sql.trim() || /^-- This is an empty migration/.test(sql.trim()) ? '' : sql;
}

/**
 * Writes a new migration with the SQL that takes the schema of the existing migrations to
 * prisma/schema.prisma (computed in a shadow database). Returns its folder, or null when nothing changed.
 */
export async function createMigration(url: string, name: string): Promise<string | null> {
  const sql = await schemaDrift(url);
  if (!sql) return null;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name.replace(/[^a-z0-9_]+/gi, '_')}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
  const lock = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  if (!fs.existsSync(lock)) {
    fs.writeFileSync(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  return dir;
}
