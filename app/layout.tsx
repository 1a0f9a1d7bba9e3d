import type { Metadata } from 'next';
import { connection } from 'next/server';
import { GeistSans } from 'geist/font/sans';
import { GeistMono } from 'geist/font/mono';
import './globals.css';
import { AppShell } from '@/components/layout/app-shell';
import { Providers } from '@/components/providers';

export const metadata: Metadata = {
  title: { default: 'routelens', template: '%s · routelens' },
  description: 'Browse, replay, relabel and export stepwise model-routing trajectories.',
};

// Every page renders per request: the Content Security Policy's nonce (proxy.ts) is per request too.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="min-h-screen font-sans">
        <Providers>
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
