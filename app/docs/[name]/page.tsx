import { notFound } from 'next/navigation';
import { DocPage } from '@/components/docs/doc-page';
import { isDocName, readDoc } from '@/lib/server/docs';

// Rendered per request, not at build time: the page's scripts need the request's CSP nonce (proxy.ts), which a
// page built in advance does not carry, so the browser would refuse them and nothing on the page would hydrate.
export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return { title: `Docs: ${name}` };
}

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  if (!isDocName(name)) notFound();
  return <DocPage name={name} text={await readDoc(name)} />;
}
