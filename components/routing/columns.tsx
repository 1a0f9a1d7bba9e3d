'use client';
// Small column charts in plain HTML: each column can be a link to the trajectories behind it, and an
// empty column (no steps, no scored steps) says so instead of reading as a zero.
import Link from 'next/link';

export interface Column {
  key: string;
  label: string;
  /** The bar's height, as a fraction of the chart's scale; null where the figure is undefined. */
  value: number | null;
  /** The figure written above the bar. */
  display: string;
  /** The count it rests on, written under the label ("n = 12"). */
  note?: string;
  href?: string;
  color?: string;
  title?: string;
}

export function Columns({ columns, label, height = 112, testId }: { columns: readonly Column[]; label: string; height?: number; testId?: string }) {
  return (
    <div role="group" aria-label={label} data-testid={testId}>
      <div className="flex items-end gap-1" style={{ height: height + 16 }}>
        {columns.map((c) => {
          const body = (
            <>
              <span className={`mb-0.5 text-[10px] tabular-nums ${c.value === null ? 'text-slate-400' : 'text-slate-700'}`}>{c.display}</span>
              <span className="relative w-full overflow-hidden rounded-t-sm bg-slate-100" style={{ height }}>
                {c.value === null ? (
                  <span className="absolute inset-0 border border-dashed border-slate-300" />
                ) : (
                  <span
                    className="absolute inset-x-0 bottom-0 rounded-t-sm"
                    style={{ height: `${Math.max(0, Math.min(1, c.value)) * 100}%`, backgroundColor: c.color ?? '#0ea5e9' }}
                  />
                )}
              </span>
            </>
          );
          const cls = 'flex min-w-0 flex-1 flex-col items-center justify-end';
          return c.href ? (
            <Link
              key={c.key}
              href={c.href}
              className={`${cls} rounded-sm hover:bg-sky-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-500`}
              title={c.title}
              data-testid="column-link"
            >
              {body}
            </Link>
          ) : (
            <div key={c.key} className={cls} title={c.title}>
              {body}
            </div>
          );
        })}
      </div>
      <div className="mt-1 flex gap-1">
        {columns.map((c) => (
          <div key={c.key} className="min-w-0 flex-1 text-center leading-tight">
            <div className="truncate text-[10px] text-slate-600" title={c.label}>
              {c.label}
            </div>
            {c.note && <div className="truncate text-[10px] tabular-nums text-slate-400">{c.note}</div>}
          </div>
        ))}
      </div>
    </div>
  );
}
