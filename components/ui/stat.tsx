import type { ReactNode } from 'react';

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="tabular-nums truncate text-lg font-semibold text-slate-900" data-testid={testId}>
        {value}
      </div>
      {hint && <div className="truncate text-xs text-slate-500">{hint}</div>}
    </div>
  );
}
