'use client';
// The Exports page: the trajectory list's filters and the reward settings, shared by every kind, then
// a card per kind with its format, its own settings and a download link.
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import type { KindDescription } from '@/lib/export/describe';
import { JudgeSelect } from '@/components/view/view-settings-bar';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { ExportCard } from './export-card';
import type { FilterValues, SharedSettings } from './export-request';
import { SelectField, TextField } from './fields';

const TRI = [
  { value: '', label: 'any' },
  { value: 'true', label: 'yes' },
  { value: 'false', label: 'no' },
] as const;

export function ExportsPage({ kinds, initialFilters }: { kinds: KindDescription[]; initialFilters: FilterValues }) {
  const [filters, setFilters] = useState<FilterValues>(initialFilters);
  // The judge is kept in the URL, as on every page with figures; lambda and mu start from it.
  const [view, setView] = useViewSettings();
  const [weights, setShared] = useState<SharedSettings>({ lambda: String(view.lambda), mu: String(view.mu) });
  const shared: SharedSettings = { ...weights, judge: view.judge ?? '' };
  const text = (key: keyof FilterValues, label: string, placeholder = 'any', hint?: string) => (
    <TextField label={label} name={key} placeholder={placeholder} hint={hint} value={filters[key] ?? ''} onChange={(v) => setFilters((f) => ({ ...f, [key]: v }))} />
  );
  const tri = (key: 'correct' | 'labelled', label: string) => (
    <SelectField label={label} name={key} value={filters[key] ?? ''} options={TRI} onChange={(v) => setFilters((f) => ({ ...f, [key]: v || undefined }))} />
  );

  return (
    <div>
      <PageHeader
        title="Exports"
        description="Training-ready datasets, streamed straight from the database. Every download carries its provenance (filters, settings, version, time)."
      />
      <Card className="mb-4">
        <CardHeader title="Which trajectories" subtitle="The trajectory list's filters; empty means every trajectory." />
        <div className="grid grid-cols-2 gap-3 p-4 sm:grid-cols-3 lg:grid-cols-6">
          {text('run', 'Run')}
          {text('benchmark', 'Benchmark')}
          {text('model', 'Model used')}
          {text('query', 'Query id')}
          {tri('correct', 'Correct')}
          {tri('labelled', 'Labelled')}
          {text('q', 'Query text', 'contains…')}
          {text('min_cost', 'Min cost $', '0')}
          {text('max_cost', 'Max cost $', '∞')}
          <TextField
            label="lambda"
            name="lambda"
            inputMode="decimal"
            hint="Reward = outcome + lambda × process − mu × cost ratio"
            value={shared.lambda}
            onChange={(lambda) => setShared((s) => ({ ...s, lambda }))}
          />
          <TextField label="mu" name="mu" inputMode="decimal" hint="Reward = outcome + lambda × process − mu × cost ratio" value={shared.mu} onChange={(mu) => setShared((s) => ({ ...s, mu }))} />
          <div className="flex flex-col justify-end">
            <JudgeSelect value={view.judge} run={filters.run?.trim() || undefined} onChange={(judge) => setView({ judge })} />
          </div>
        </div>
      </Card>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {kinds.map((k) => (
          <ExportCard key={k.kind} description={k} filters={filters} shared={shared} />
        ))}
      </div>
    </div>
  );
}
