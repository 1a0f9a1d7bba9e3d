'use client';
// Every filter of the list API. Selects apply at once; typed values apply on Enter or when the field
// is left (the search box also after a pause), so each change is one history entry.
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { activeFilterCount, type ListState } from '@/lib/client/list-url';
import type { ModelInfo, RunSummary } from '@/lib/client/types';

const FIELD = 'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-100';

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</span>
      {children}
    </label>
  );
}

/** A text field that commits its value on Enter, on blur, or (with `live`) after a pause in typing. */
function CommitInput({
  value,
  onCommit,
  live = false,
  ...rest
}: { value: string | undefined; onCommit: (v: string) => void; live?: boolean } & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState(value ?? '');
  // The last value handed to onCommit: the URL takes a moment to follow, and must not get it twice.
  const [sent, setSent] = useState(value ?? '');
  // When the URL changes (back button, "clear"), the field follows it.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value ?? '');
    setSent(value ?? '');
  }
  const commit = () => {
    const v = draft.trim();
    if (v === sent) return;
    setSent(v);
    onCommit(v);
  };
  useEffect(() => {
    if (!live) return;
    const t = setTimeout(commit, 400);
    return () => clearTimeout(t);
  });
  return (
    <input
      {...rest}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

export interface FiltersBarProps {
  state: ListState;
  runs: readonly RunSummary[];
  models: readonly ModelInfo[];
  benchmarks: readonly string[];
  onChange: (change: ListState) => void;
}

export function FiltersBar({ state, runs, models, benchmarks, onChange }: FiltersBarProps) {
  const set = (key: keyof ListState) => (v: string) => onChange({ [key]: v || undefined });
  const active = activeFilterCount(state);
  return (
    <div className="flex flex-wrap items-end gap-3 p-3" data-testid="filters">
      <Labelled label="Search queries">
        <CommitInput
          live
          type="search"
          placeholder="text in the query…"
          className={`${FIELD} w-56`}
          value={state.q}
          onCommit={set('q')}
          aria-label="Search in query text"
          name="q"
        />
      </Labelled>
      <Labelled label="Run">
        <select className={`${FIELD} w-40`} value={state.run ?? ''} onChange={(e) => set('run')(e.target.value)} name="run">
          <option value="">All runs</option>
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.id}
            </option>
          ))}
          {state.run && !runs.some((r) => r.id === state.run) && <option value={state.run}>{state.run}</option>}
        </select>
      </Labelled>
      <Labelled label="Benchmark">
        <CommitInput className={`${FIELD} w-32`} list="benchmarks" placeholder="any" value={state.benchmark} onCommit={set('benchmark')} name="benchmark" />
        <datalist id="benchmarks">
          {benchmarks.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
      </Labelled>
      <Labelled label="Outcome">
        <select className={`${FIELD} w-28`} value={state.correct ?? ''} onChange={(e) => set('correct')(e.target.value)} name="correct">
          <option value="">Any</option>
          <option value="true">Correct</option>
          <option value="false">Wrong</option>
        </select>
      </Labelled>
      <Labelled label="Model used">
        <select className={`${FIELD} w-36`} value={state.model ?? ''} onChange={(e) => set('model')(e.target.value)} name="model">
          <option value="">Any model</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
          {state.model && !models.some((m) => m.id === state.model) && <option value={state.model}>{state.model}</option>}
        </select>
      </Labelled>
      <Labelled label="Cost, USD">
        <div className="flex items-center gap-1">
          <CommitInput className={`${FIELD} w-24 tabular-nums`} inputMode="decimal" placeholder="min" value={state.min_cost} onCommit={set('min_cost')} name="min_cost" aria-label="Minimum cost" />
          <span className="text-slate-400">–</span>
          <CommitInput className={`${FIELD} w-24 tabular-nums`} inputMode="decimal" placeholder="max" value={state.max_cost} onCommit={set('max_cost')} name="max_cost" aria-label="Maximum cost" />
        </div>
      </Labelled>
      <Labelled label="Labels">
        <select className={`${FIELD} w-32`} value={state.labelled ?? ''} onChange={(e) => set('labelled')(e.target.value)} name="labelled">
          <option value="">Any</option>
          <option value="true">Labelled</option>
          <option value="false">Not labelled</option>
        </select>
      </Labelled>
      {state.query && (
        <span className="mb-1 inline-flex items-center gap-1 rounded bg-sky-50 px-2 py-1 text-xs text-sky-800 ring-1 ring-sky-200">
          query <span className="font-mono">{state.query}</span>
          <button type="button" aria-label="Remove the query filter" className="ml-1 text-sky-600 hover:text-sky-900" onClick={() => onChange({ query: undefined })}>
            ×
          </button>
        </span>
      )}
      {active > 0 && (
        <Button
          variant="ghost"
          size="sm"
          className="mb-0.5"
          onClick={() =>
            onChange({ run: undefined, query: undefined, benchmark: undefined, correct: undefined, model: undefined, min_cost: undefined, max_cost: undefined, labelled: undefined, q: undefined })
          }
        >
          Clear {active} filter{active === 1 ? '' : 's'}
        </Button>
      )}
    </div>
  );
}
