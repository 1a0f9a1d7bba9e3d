'use client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { fetchMe, forgetCsrfToken, meKey, safeNext, sendJson, useMe } from '@/lib/client/auth';

const INPUT =
  'mt-1 block w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500';

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const me = useMe();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      forgetCsrfToken();
      await sendJson('POST', '/api/auth/login', { username: username.trim(), password });
      queryClient.clear();
      queryClient.setQueryData(meKey, await fetchMe());
      router.replace(next);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  if (me.data?.via === 'local') {
    return (
      <Card className="mx-auto mt-16 max-w-sm p-6 text-sm text-slate-600">
        <h1 className="mb-2 text-lg font-semibold text-slate-900">Sign-in is off</h1>
        This is a single-user local install: every visitor is the local admin. Start routelens with{' '}
        <code className="rounded bg-slate-100 px-1">ROUTELENS_AUTH=on</code> to require sign-in.
      </Card>
    );
  }

  return (
    <Card className="mx-auto mt-16 max-w-sm p-6">
      <h1 className="mb-4 text-lg font-semibold text-slate-900">Sign in to routelens</h1>
      <form onSubmit={submit} className="space-y-3" data-testid="login-form">
        <label className="block text-sm font-medium text-slate-700">
          Username
          <input className={INPUT} name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Password
          <input
            className={INPUT}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </Card>
  );
}
