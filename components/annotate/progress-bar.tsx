export function ProgressBar({ done, total, label, testId }: { done: number; total: number; label?: string; testId?: string }) {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="min-w-0" data-testid={testId}>
      {label && (
        <div className="mb-0.5 flex justify-between text-[11px] text-slate-500">
          <span>{label}</span>
          <span className="tabular-nums">
            {done} / {total}
          </span>
        </div>
      )}
      <div className="h-1.5 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className="h-full rounded-full bg-sky-600 transition-[width]" style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}
