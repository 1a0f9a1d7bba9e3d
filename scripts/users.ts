// Accounts from the command line (run with tsx --conditions=react-server, like the other CLIs):
//   users.ts list
//   users.ts add NAME --role viewer|annotator|admin [--password P] [--display "Full Name"]
//   users.ts passwd NAME [--password P]      a new password (drawn when not given); ends their sessions
//   users.ts role NAME ROLE
//   users.ts disable NAME | enable NAME
//   users.ts key NAME [--name LABEL] [--scope ingest|read|label|full]   a new API key for NAME, printed once
//   users.ts keys [NAME]                     the API keys (of NAME), with their scopes
import { getPool } from '../lib/db/pool';
import { ROLES, type Role } from '../lib/server/auth';
import { createApiKey, listApiKeys } from '../lib/server/api-keys';
import { randomPassword } from '../lib/server/passwords';
import { createUser, listUsers, updateUser } from '../lib/server/users';
import { keyScopeSchema, newUserBodySchema, userChangeBodySchema } from '../lib/schemas/users';
import { runMain, withMigratedDatabase } from './cli-main';

const USAGE = `usage: users.ts list | add NAME --role ROLE [--password P] [--display NAME] | passwd NAME [--password P]
                | role NAME ROLE | disable NAME | enable NAME | key NAME [--name LABEL] [--scope ingest|read|label|full]
                | keys [NAME]`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function roleOf(value: string | undefined): Role {
  if (!value || !(ROLES as readonly string[]).includes(value)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

async function idOf(username: string | undefined): Promise<number> {
  if (!username) throw new Error(USAGE);
  const r = await getPool().query<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]);
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error(`no user named ${username}`);
  return id;
}

async function run(args: string[]): Promise<void> {
  const [cmd, name, third] = args;
  switch (cmd) {
    case 'list':
      for (const u of await listUsers()) {
        console.log(`${u.username}\t${u.role}\t${u.disabled_at ? 'disabled' : u.can_sign_in ? 'active' : 'no password'}\t${u.name}`);
      }
      return;
    case 'add': {
      if (!name) throw new Error(USAGE);
      const password = option(args, 'password') ?? randomPassword();
      // The same rules as POST /api/users: a username the pages can show, a password long enough.
      const user = newUserBodySchema.parse({ username: name, name: option(args, 'display') ?? name, role: roleOf(option(args, 'role')), password });
      await createUser({ ...user, password });
      console.log(`made ${name}${option(args, 'password') ? '' : ` with password ${password}`}`);
      return;
    }
    case 'passwd': {
      const password = option(args, 'password') ?? randomPassword();
      await updateUser(await idOf(name), userChangeBodySchema.parse({ password }));
      console.log(`new password of ${name}: ${option(args, 'password') ? '(as given)' : password}`);
      return;
    }
    case 'role':
      await updateUser(await idOf(name), { role: roleOf(third) });
      console.log(`${name} is now ${third}`);
      return;
    case 'disable':
    case 'enable':
      await updateUser(await idOf(name), { disabled: cmd === 'disable' });
      console.log(`${name} ${cmd}d`);
      return;
    case 'key': {
      const scope = keyScopeSchema.parse(option(args, 'scope') ?? 'full');
      const key = await createApiKey(await idOf(name), option(args, 'name') ?? 'cli', scope);
      console.log(`API key of ${name}, scope ${key.scope} (shown once): ${key.key}`);
      return;
    }
    case 'keys':
      for (const k of await listApiKeys()) {
        if (name && k.username !== name) continue;
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : k.last_used_at ? `last used ${k.last_used_at.toISOString()}` : 'never used';
        console.log(`${k.id}\t${k.prefix}…\t${k.username}\t${k.scope}\t${k.name}\t${state}`);
      }
      return;
    default:
      throw new Error(USAGE);
  }
}

runMain(() =>
  withMigratedDatabase(async () => {
    await run(process.argv.slice(2));
    return 0;
  }),
);
