import { QueryPage } from '@/components/query/query-page';
import { decodeParam } from '@/lib/client/api';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <QueryPage id={decodeParam(id)} />;
}
