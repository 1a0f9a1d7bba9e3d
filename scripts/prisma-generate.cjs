// Runs `prisma generate` after install. Generating the client needs no schema engine, but the CLI
// checks for one and would try to download it; a stub that exits 1 satisfies the check offline.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const stub = path.join(os.tmpdir(), 'routelens-no-schema-engine.sh');
fs.writeFileSync(stub, '#!/bin/sh\necho "routelens: schema engine not used; migrations run through scripts/migrate.ts" >&2\nexit 1\n', { mode: 0o755 });
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'prisma');
const r = spawnSync(bin, ['generate'], { stdio: 'inherit', env, cwd: path.join(__dirname, '..') });
process.exit(r.status ?? 1);
