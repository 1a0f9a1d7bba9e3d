'use client';
// Every filter of the list API. Selects apply at once; typed values apply as they are typed (after a
// pause), on Enter or when the field is left — all the same way. A value the API would refuse is
// not applied and says why on its field; the two cost bounds are one range, applied together.
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { activeFilterCount, type ListState } from '@/lib/client/list-url';
import { FILTER_KEYS } from '@/lib/schemas/filters';
import type { ModelInfo, RunSummary } from '@/lib/client/types';

const FIELD =
  'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-100';

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</span>
      {children}
    </label>
  );
}

/** A text field that commits its value after a pause in typing, on Enter, or on blur; `check` keeps a bad value from being committed. */
function CommitInput({
  value,
  onCommit,
  check,
  error: shownError,
  ...rest
}: {
  value: string | undefined;
  onCommit: (v: string) => void;
  /** Why the value cannot apply, or null. */
  check?: (v: string) => string | null;
  /** A problem to show whatever is typed (e.g. one of a range). */
  error?: string | null;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
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
  const problem = check?.(draft.trim()) ?? null;
  const commit = () => {
    const v = draft.trim();
    if (v === sent || problem) return;
    setSent(v);
    onCommit(v);
  };
  useEffect(() => {
    const t = setTimeout(commit, 400);
    return () => clearTimeout(t);
  });
  const error = problem ?? shownError ?? null;
  return (
    <span className="relative inline-flex flex-col">
      <input
        {...rest}
        value={draft}
        aria-invalid={error ? true : undefined}
        className={`${rest.className ?? ''} ${error ? 'border-rose-400 focus:border-rose-500 focus:ring-rose-100' : ''}`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {error && (
        <span
          role="alert"
          className="absolute left-0 top-full z-10 mt-0.5 whitespace-nowrap rounded bg-rose-50 px-1.5 py-0.5 text-[11px] text-rose-700 ring-1 ring-rose-200"
          data-testid={`field-error-${rest.name ?? ''}`}
        >
          {error}
        </span>
      )}
    </span>
  );
}

/** Why a typed amount cannot be a cost bound (the list API's own rule), or null. */
export function costProblem(v: string): string | null {
  if (v === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) return 'not a number';
  if (n < 0) return 'must be ≥ 0';
  return null;
}

/**
 * The cost range: both bounds are typed drafts until they apply, and they apply together, so that a
 * bound typed in one box is never lost to a commit of the other (both go into the URL at once).
 */
function CostRange({
  min,
  max,
  problems,
  onChange,
}: {
  min: string | undefined;
  max: string | undefined;
  problems: Partial<Record<string, string>>;
  onChange: (range: { min_cost?: string; max_cost?: string }) => void;
}) {
  const [drafts, setDrafts] = useState({ min: min ?? '', max: max ?? '' });
  const [shown, setShown] = useState({ min, max });
  if (shown.min !== min || shown.max !== max) {
    setShown({ min, max });
    setDrafts({ min: min ?? '', max: max ?? '' });
  }
  const lo = drafts.min.trim();
  const hi = drafts.max.trim();
  const order = !costProblem(lo) && !costProblem(hi) && lo !== '' && hi !== '' && Number(lo) > Number(hi) ? 'min is above max' : null;
  const commit = (next: { min: string; max: string }) => {
    const a = next.min.trim();
    const b = next.max.trim();
    if (costProblem(a) || costProblem(b) || (a !== '' && b !== '' && Number(a) > Number(b))) return;
    if (a === (min ?? '') && b === (max ?? '')) return;
    onChange({ min_cost: a || undefined, max_cost: b || undefined });
  };
  return (
    <div className="flex items-center gap-1">
      <CommitInput
        className={`${FIELD} w-24 tabular-nums`}
        inputMode="decimal"
        placeholder="min"
        value={min}
        check={costProblem}
        error={order ?? (drafts.min.trim() === (min ?? '') ? problems.min_cost : null)}
        onCommit={(v) => {
          const next = { ...drafts, min: v };
          setDrafts(next);
          commit(next);
        }}
        onInput={(e) => setDrafts((d) => ({ ...d, min: (e.target as HTMLInputElement).value }))}
        name="min_cost"
        aria-label="Minimum cost"
      />
      <span className="text-slate-400">–</span>
      <CommitInput
        className={`${FIELD} w-24 tabular-nums`}
        inputMode="decimal"
        placeholder="max"
        value={max}
        check={costProblem}
        error={drafts.max.trim() === (max ?? '') ? problems.max_cost : null}
        onCommit={(v) => {
          const next = { ...drafts, max: v };
          setDrafts(next);
          commit(next);
        }}
        onInput={(e) => setDrafts((d) => ({ ...d, max: (e.target as HTMLInputElement).value }))}
        name="max_cost"
        aria-label="Maximum cost"
      />
    </div>
  );
}

export interface FiltersBarProps {
  state: ListState;
  runs: readonly RunSummary[];
  models: readonly ModelInfo[];
  benchmarks: readonly string[];
  /** Values in the URL that the API would refuse: not applied, shown on their fields. */
  problems?: Partial<Record<keyof ListState, string>>;
  onChange: (change: ListState) => void;
}

export function FiltersBar({ state, runs, models, benchmarks, problems = {}, onChange }: FiltersBarProps) {
  const set = (key: keyof ListState) => (v: string) => onChange({ [key]: v || undefined });
  const active = activeFilterCount(state);
  return (
    <div className="flex flex-wrap items-end gap-3 p-3" data-testid="filters">
      <Labelled label="Search queries">
        <CommitInput
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
        <CostRange min={state.min_cost} max={state.max_cost} problems={problems} onChange={onChange} />
      </Labelled>
      <Labelled label="Labels">
        <select className={`${FIELD} w-32`} value={state.labelled ?? ''} onChange={(e) => set('labelled')(e.target.value)} name="labelled">
          <option value="">Any</option>
          <option value="true">Labelled</option>
          <option value="false">Not labelled</option>
        </select>
      </Labelled>
      <Labelled label="Escalations">
        <select className={`${FIELD} w-24`} value={state.escalations ?? ''} onChange={(e) => set('escalations')(e.target.value)} name="escalations">
          <option value="">Any</option>
          <option value="0">None</option>
          <option value="1">1</option>
          <option value="2">2</option>
          <option value="3+">3 or more</option>
        </select>
      </Labelled>
      <Labelled label="Router's top choice">
        <select className={`${FIELD} w-40`} value={state.off_argmax ?? ''} onChange={(e) => set('off_argmax')(e.target.value)} name="off_argmax">
          <option value="">Any</option>
          <option value="true">Some steps off it</option>
          <option value="false">Every step on it</option>
        </select>
      </Labelled>
      {state.query && (
        <span className="mb-1 inline-flex items-center gap-1 rounded bg-sky-50 px-2 py-1 text-xs text-sky-800 ring-1 ring-sky-200">
          query <span className="font-mono">{state.query}</span>
          <button
            type="button"
            aria-label="Remove the query filter"
            className="ml-1 text-sky-600 hover:text-sky-900"
            onClick={() => onChange({ query: undefined })}
          >
            ×
          </button>
        </span>
      )}
      {active > 0 && (
        <Button variant="ghost" size="sm" className="mb-0.5" onClick={() => onChange(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>
          Clear {active} filter{active === 1 ? '' : 's'}
        </Button>
      )}
    </div>
  );
}
