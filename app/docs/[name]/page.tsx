import { notFound } from 'next/navigation';
import { DocPage } from '@/components/docs/doc-page';
import { DOC_NAMES, isDocName, readDoc } from '@/lib/server/docs';

export const dynamic = 'force-static';

export function generateStaticParams() {
  return DOC_NAMES.map((name) => ({ name }));
}

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return { title: `Docs: ${name}` };
}

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  if (!isDocName(name)) notFound();
  return <DocPage name={name} text={await readDoc(name)} />;
}
