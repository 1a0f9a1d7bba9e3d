'use client';
// The Exports page: the trajectory list's filters and the reward settings, shared by every kind, then
// a card per kind with its format, its own settings and a download link.
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import type { KindDescription } from '@/lib/export/describe';
import { JudgeSelect } from '@/components/view/view-settings-bar';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { useBenchmarks, useRuns } from '@/lib/client/hooks';
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
    <TextField
      label={label}
      name={key}
      placeholder={placeholder}
      hint={hint}
      value={filters[key] ?? ''}
      onChange={(v) => setFilters((f) => ({ ...f, [key]: v }))}
    />
  );
  // Runs, benchmarks and models are picked from the values that exist; a value from a shared link that
  // matches none stays shown, marked, and the row counts say why nothing would come out.
  const runs = useRuns();
  const benchmarks = useBenchmarks();
  const run = runs.data?.find((r) => r.id === filters.run);
  const models = [...new Set((run ? [run] : (runs.data ?? [])).flatMap((r) => (r.models ?? []).map((m) => m.id)))].sort();
  const pick = (key: 'run' | 'benchmark' | 'model', label: string, values: readonly string[] | undefined, hint?: string) => {
    const current = filters[key] ?? '';
    const options = [{ value: '', label: 'any' }, ...(values ?? []).map((v) => ({ value: v, label: v }))];
    if (current && values && !values.includes(current)) options.push({ value: current, label: `${current} (not found)` });
    else if (current && !values) options.push({ value: current, label: current });
    return (
      <SelectField
        label={label}
        name={key}
        hint={hint}
        value={current}
        options={options}
        onChange={(v) => setFilters((f) => ({ ...f, [key]: v || undefined }))}
      />
    );
  };
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
          {pick(
            'run',
            'Run',
            runs.data?.map((r) => r.id),
          )}
          {pick('benchmark', 'Benchmark', benchmarks.data)}
          {pick('model', 'Model used', models, run ? `The models that took a step in ${run.id}` : 'The models that took a step in some run')}
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
          <TextField
            label="mu"
            name="mu"
            inputMode="decimal"
            hint="Reward = outcome + lambda × process − mu × cost ratio"
            value={shared.mu}
            onChange={(mu) => setShared((s) => ({ ...s, mu }))}
          />
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
