'use client';
// /admin/users: people (role, disable, password) and API keys (made here, shown once, revoked here).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { formatTime } from '@/components/labels/use-labels';
import { getJson } from '@/lib/client/api';
import { hasRole, sendJson, useMe, type Role } from '@/lib/client/auth';
import type { ApiKeyRow, UserRow } from '@/lib/client/label-types';
import { KEY_SCOPE_VALUES, type KeyScope } from '@/lib/schemas/users';

const ROLES: Role[] = ['viewer', 'annotator', 'admin'];
const FIELD = 'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm';
const keys = { users: ['admin', 'users'] as const, apiKeys: ['admin', 'api-keys'] as const };

function Secret({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  return (
    <div role="status" className="m-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="secret">
      <p className="font-medium text-amber-900">{label} — shown once; copy it now.</p>
      <div className="mt-2 flex items-center gap-2">
        <code className="flex-1 select-all break-all rounded bg-white px-2 py-1 font-mono text-xs">{value}</code>
        <Button size="sm" onClick={() => void navigator.clipboard?.writeText(value)}>
          Copy
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

function useAdminData() {
  const users = useQuery({
    queryKey: keys.users,
    queryFn: ({ signal }) => getJson<{ users: UserRow[] }>('/api/users', undefined, signal).then((r) => r.users),
  });
  const apiKeys = useQuery({
    queryKey: keys.apiKeys,
    queryFn: ({ signal }) => getJson<{ api_keys: ApiKeyRow[] }>('/api/api-keys', undefined, signal).then((r) => r.api_keys),
  });
  return { users, apiKeys };
}

function NewUserForm({ onSecret }: { onSecret: (s: { label: string; value: string }) => void }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () =>
      sendJson<{ user: UserRow; password: string | null }>('POST', '/api/users', {
        username: username.trim(),
        name: name.trim() || null,
        role,
        ...(password ? { password } : {}),
      }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: keys.users });
      if (r.password) onSecret({ label: `Password of ${r.user.username}`, value: r.password });
      setUsername('');
      setName('');
      setPassword('');
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2 border-t border-slate-100 px-4 py-3" data-testid="new-user-form">
      <input className={FIELD} placeholder="username" required value={username} onChange={(e) => setUsername(e.target.value)} aria-label="username" />
      <input className={FIELD} placeholder="display name" value={name} onChange={(e) => setName(e.target.value)} aria-label="display name" />
      <select className={FIELD} value={role} onChange={(e) => setRole(e.target.value as Role)} aria-label="role">
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <input
        className={FIELD}
        type="password"
        placeholder="password (blank: drawn)"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        aria-label="password"
        autoComplete="new-password"
      />
      <Button type="submit" variant="primary" disabled={create.isPending}>
        Add user
      </Button>
      {create.isError && <p className="w-full text-sm text-rose-700">{create.error.message}</p>}
    </form>
  );
}

function UsersCard({ users, myId, onSecret }: { users: UserRow[]; myId: number | null; onSecret: (s: { label: string; value: string }) => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: ({ id, body }: { id: number; body: Record<string, unknown> }) => sendJson<{ user: UserRow }>('PATCH', `/api/users/${id}`, body),
    onSuccess: () => {
      setError(null);
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
    onError: (e) => setError(e.message),
  });
  function setPassword(u: UserRow) {
    const password = window.prompt(`New password for ${u.username} (at least 10 characters). Their sessions end.`);
    if (password) change.mutate({ id: u.id, body: { password } }, { onSuccess: () => onSecret({ label: `New password of ${u.username}`, value: password }) });
  }
  return (
    <Card className="mb-4">
      <CardHeader title="Users" subtitle="viewer reads · annotator also labels · admin also ingests and manages users and keys" />
      {error && (
        <p className="px-4 pt-2 text-sm text-rose-700" role="alert">
          {error}
        </p>
      )}
      <table className="w-full text-sm" data-testid="users-table">
        <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2">User</th>
            <th className="px-4 py-2">Role</th>
            <th className="px-4 py-2 text-right">Labels</th>
            <th className="px-4 py-2">Since</th>
            <th className="px-4 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <tr key={u.id} className={u.disabled_at ? 'text-slate-400' : ''}>
              <td className="px-4 py-2">
                <span className="font-medium">{u.name}</span> <span className="font-mono text-xs text-slate-500">{u.username}</span>{' '}
                {u.disabled_at && <Badge tone="red">disabled</Badge>}
                {!u.can_sign_in && <Badge>no password</Badge>}
              </td>
              <td className="px-4 py-2">
                <select
                  className={FIELD}
                  value={u.role}
                  disabled={change.isPending}
                  onChange={(e) => change.mutate({ id: u.id, body: { role: e.target.value } })}
                  aria-label={`role of ${u.username}`}
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td className="px-4 py-2 text-right tabular-nums">{u.labels}</td>
              <td className="px-4 py-2 text-slate-500">{formatTime(u.created_at)}</td>
              <td className="space-x-1 px-4 py-2 text-right">
                <Button size="sm" onClick={() => setPassword(u)} disabled={change.isPending}>
                  Set password
                </Button>
                {u.id !== myId && (
                  <Button size="sm" variant="ghost" disabled={change.isPending} onClick={() => change.mutate({ id: u.id, body: { disabled: !u.disabled_at } })}>
                    {u.disabled_at ? 'Enable' : 'Disable'}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewUserForm onSecret={onSecret} />
    </Card>
  );
}

const SCOPE_LABELS: Record<KeyScope, string> = {
  full: "full (the owner's role)",
  ingest: 'ingest (upload traces, read runs)',
  read: 'read',
  label: 'label (read and label)',
};

function ApiKeysCard({ apiKeys, users, onSecret }: { apiKeys: ApiKeyRow[]; users: UserRow[]; onSecret: (s: { label: string; value: string }) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [scope, setScope] = useState<KeyScope>('full');
  const create = useMutation({
    mutationFn: () =>
      sendJson<{ api_key: ApiKeyRow & { key: string } }>('POST', '/api/api-keys', { name: name.trim(), scope, ...(owner ? { user_id: Number(owner) } : {}) }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      onSecret({ label: `API key “${r.api_key.name}” of ${r.api_key.username}`, value: r.api_key.key });
      setName('');
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => sendJson('DELETE', `/api/api-keys/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.apiKeys }),
  });
  return (
    <Card>
      <CardHeader
        title="API keys"
        subtitle="For scripts: Authorization: Bearer <key>. A key acts with its owner's role, narrowed by its scope: ingest (POST /api/ingest and reading runs), read, label, or full."
      />
      <table className="w-full text-sm" data-testid="api-keys-table">
        <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2">Name</th>
            <th className="px-4 py-2">Key</th>
            <th className="px-4 py-2">Owner</th>
            <th className="px-4 py-2">Scope</th>
            <th className="px-4 py-2">Last used</th>
            <th className="px-4 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {apiKeys.map((k) => (
            <tr key={k.id} className={k.revoked_at ? 'text-slate-400' : ''}>
              <td className="px-4 py-2">{k.name}</td>
              <td className="px-4 py-2 font-mono text-xs">{k.prefix}…</td>
              <td className="px-4 py-2">
                {k.username} <span className="text-xs text-slate-400">{k.role}</span>
              </td>
              <td className="px-4 py-2" data-testid="api-key-scope">
                <Badge tone={k.scope === 'full' ? 'slate' : 'sky'}>{k.scope}</Badge>
              </td>
              <td className="px-4 py-2 text-slate-500">{k.last_used_at ? formatTime(k.last_used_at) : 'never'}</td>
              <td className="px-4 py-2 text-right">
                {k.revoked_at ? (
                  <Badge tone="red">revoked {formatTime(k.revoked_at)}</Badge>
                ) : (
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={revoke.isPending}
                    onClick={() => window.confirm(`Revoke “${k.name}”? Scripts using it stop working.`) && revoke.mutate(k.id)}
                  >
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        className="flex flex-wrap items-end gap-2 border-t border-slate-100 px-4 py-3"
      >
        <input className={FIELD} placeholder="key name (what uses it)" required value={name} onChange={(e) => setName(e.target.value)} aria-label="key name" />
        <select className={FIELD} value={owner} onChange={(e) => setOwner(e.target.value)} aria-label="owner">
          <option value="">owner: me</option>
          {users
            .filter((u) => !u.disabled_at)
            .map((u) => (
              <option key={u.id} value={u.id}>
                owner: {u.username} ({u.role})
              </option>
            ))}
        </select>
        <select className={FIELD} value={scope} onChange={(e) => setScope(e.target.value as KeyScope)} aria-label="scope">
          {KEY_SCOPE_VALUES.map((s) => (
            <option key={s} value={s}>
              scope: {SCOPE_LABELS[s]}
            </option>
          ))}
        </select>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Make key
        </Button>
        {create.isError && <p className="w-full text-sm text-rose-700">{create.error.message}</p>}
      </form>
    </Card>
  );
}

export function UsersAdmin() {
  const me = useMe();
  const { users, apiKeys } = useAdminData();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  if (me.isSuccess && !hasRole(me.data, 'admin')) return <ErrorState title="Admins only" error="Managing users and API keys needs the admin role." />;
  return (
    <div>
      <PageHeader title="Users and API keys" description="Who can read, label and administer this routelens." />
      {secret && (
        <Card className="mb-4">
          <Secret label={secret.label} value={secret.value} onDone={() => setSecret(null)} />
        </Card>
      )}
      {users.isPending ? (
        <SkeletonRows rows={4} />
      ) : users.isError ? (
        <ErrorState error={users.error} />
      ) : (
        <UsersCard users={users.data} myId={me.data?.user.id ?? null} onSecret={setSecret} />
      )}
      {apiKeys.isPending ? (
        <SkeletonRows rows={3} />
      ) : apiKeys.isError ? (
        <ErrorState error={apiKeys.error} />
      ) : (
        <ApiKeysCard apiKeys={apiKeys.data} users={users.data ?? []} onSecret={setSecret} />
      )}
    </div>
  );
}
