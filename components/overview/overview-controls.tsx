'use client';
// The overview's pickers: the benchmark every figure is for, the model the savings are against, and
// (for admins) whether the runs hidden from the overview are listed too. Each lives in the URL.
import { useBenchmarks } from '@/lib/client/hooks';
import type { ModelInfo } from '@/lib/client/types';
import type { OverviewState } from '@/lib/client/overview-url';

const FIELD =
  'h-8 max-w-48 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-100';

export function OverviewControls({
  state,
  onChange,
  models,
  isAdmin,
  hiddenCount,
}: {
  state: OverviewState;
  onChange: (change: Partial<OverviewState>) => void;
  models: readonly ModelInfo[];
  isAdmin: boolean;
  hiddenCount: number;
}) {
  const benchmarks = useBenchmarks();
  const names = [...(benchmarks.data ?? [])];
  // A benchmark from a shared link that is not (or no longer) stored still shows as chosen.
  if (state.benchmark && !names.some((b) => b.toLowerCase() === state.benchmark!.toLowerCase())) names.push(state.benchmark);
  const chosen = state.benchmark ? (names.find((b) => b.toLowerCase() === state.benchmark!.toLowerCase()) ?? state.benchmark) : '';
  const modelIds = models.map((m) => m.id);
  if (state.reference && !modelIds.includes(state.reference)) modelIds.push(state.reference);
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2" data-testid="overview-controls">
      <label className="flex items-center gap-1.5 text-xs text-slate-600">
        <span className="font-medium">Benchmark</span>
        <select
          className={FIELD}
          name="benchmark"
          value={chosen}
          data-testid="benchmark-select"
          onChange={(e) => onChange({ benchmark: e.target.value || null })}
        >
          <option value="">All benchmarks</option>
          {names.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <label
        className="flex items-center gap-1.5 text-xs text-slate-600"
        title="Savings = 1 − cost / the cost of the same tokens priced at the reference model"
      >
        <span className="font-medium">Savings against</span>
        <select
          className={FIELD}
          name="reference"
          value={state.reference ?? ''}
          data-testid="reference-select"
          onChange={(e) => onChange({ reference: e.target.value || null })}
        >
          <option value="">each trajectory&apos;s largest model</option>
          {modelIds.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      {isAdmin && (
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          <input
            type="checkbox"
            className="h-3.5 w-3.5 accent-sky-600"
            checked={state.showHidden}
            data-testid="show-hidden"
            onChange={(e) => onChange({ showHidden: e.target.checked })}
          />
          <span>Show hidden runs{hiddenCount > 0 && <span className="tabular-nums text-slate-400"> ({hiddenCount})</span>}</span>
        </label>
      )}
    </div>
  );
}
