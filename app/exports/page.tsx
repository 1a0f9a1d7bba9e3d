import { ExportsPage } from '@/components/exports/exports-page';
import { describeExportKinds } from '@/lib/export/describe';
import { FILTER_KEYS } from '@/lib/schemas/filters';

export const metadata = { title: 'Exports' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // The trajectory list's filters carry over in the URL (/exports?run=...&correct=true).
  const filters = Object.fromEntries(FILTER_KEYS.flatMap((k) => (typeof params[k] === 'string' ? [[k, params[k]]] : [])));
  return <ExportsPage kinds={describeExportKinds()} initialFilters={filters} />;
}
