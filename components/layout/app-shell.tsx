import Link from 'next/link';
import { UserMenu } from '@/components/auth/user-menu';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/trajectories', label: 'Trajectories' },
  { href: '/routing', label: 'Routing' },
  { href: '/annotate', label: 'Annotate' },
  { href: '/agreement', label: 'Agreement' },
  { href: '/exports', label: 'Exports' },
  { href: '/import', label: 'Import' },
];

export function AppShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex h-12 max-w-[1400px] items-center gap-3 px-4 sm:gap-6">
          <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold tracking-tight text-slate-900">
            <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-gradient-to-br from-sky-500 to-indigo-600" />
            routelens
          </Link>
          {/* On a narrow screen the links scroll sideways inside the bar rather than widening the page. */}
          <nav className="flex min-w-0 gap-1 overflow-x-auto text-sm" data-testid="app-nav">
            {NAV.map((n) => (
              <Link key={n.href} href={n.href} className="shrink-0 whitespace-nowrap rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                {n.label}
              </Link>
            ))}
          </nav>
          <UserMenu />
        </div>
      </header>
      <main className="mx-auto w-full max-w-[1400px] flex-1 px-4 py-6">{children}</main>
    </div>
  );
}
