'use client';
// The signed-in person in the header: name, role, the admin page, sign out. With sign-in off (one
// person on their own machine) there is nobody to name and it shows nothing. Signed out with sign-in
// on, every page but /login sends the visitor to sign in.
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { forgetCsrfToken, meKey, sendJson, useMe } from '@/lib/client/auth';

export function UserMenu() {
  const me = useMe();
  const pathname = usePathname();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  const signedOut = me.isSuccess && me.data === null;
  useEffect(() => {
    if (signedOut && pathname !== '/login') router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [signedOut, pathname, router]);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  if (!me.data || me.data.via === 'local') return null;
  const { user } = me.data;

  async function signOut() {
    await sendJson('POST', '/api/auth/logout').catch(() => undefined);
    forgetCsrfToken();
    queryClient.clear();
    queryClient.setQueryData(meKey, null);
    router.replace('/login');
  }

  return (
    <div ref={box} className="relative ml-auto text-sm">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="menu"
        aria-expanded={open}
        className="flex items-center gap-2 rounded px-2 py-1 text-slate-700 hover:bg-slate-100"
        data-testid="user-menu"
      >
        <span aria-hidden className="grid h-6 w-6 place-items-center rounded-full bg-slate-800 text-[11px] font-semibold uppercase text-white">
          {user.name.slice(0, 1)}
        </span>
        <span className="hidden font-medium lg:inline">{user.name}</span>
        <span className="hidden text-xs text-slate-400 lg:inline">{user.role}</span>
      </button>
      {open && (
        <div role="menu" className="absolute right-0 top-full z-40 mt-1 w-48 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          <div className="border-b border-slate-100 px-3 py-1.5 text-xs text-slate-500">
            signed in as <span className="font-mono text-slate-700">{user.username}</span>
          </div>
          {user.role === 'admin' && (
            <Link role="menuitem" href="/admin/users" onClick={() => setOpen(false)} className="block px-3 py-1.5 text-slate-700 hover:bg-slate-50">
              Users and API keys
            </Link>
          )}
          <button type="button" role="menuitem" onClick={signOut} className="block w-full px-3 py-1.5 text-left text-slate-700 hover:bg-slate-50">
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}
