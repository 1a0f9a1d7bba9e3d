import { Markdown } from '@/components/markdown/markdown';
import { Card, CardHeader } from '@/components/ui/card';
import { scaleLabel } from '@/components/replay/judgment-card';
import type { Rubric } from '@/lib/client/types';

export function RubricCard({ rubric }: { rubric: Rubric }) {
  const total = rubric.criteria.reduce((n, c) => n + c.weight, 0);
  return (
    <Card data-testid="rubric">
      <CardHeader
        title="Rubric"
        subtitle={
          <span className="font-mono">
            {rubric.id}
            {rubric.generator ? ` · ${rubric.generator}` : ''}
          </span>
        }
      />
      <table className="w-full text-sm">
        <thead>
          <tr className="text-[11px] uppercase tracking-wide text-slate-500">
            <th className="px-4 py-2 text-left font-medium">Criterion</th>
            <th className="px-2 py-2 text-left font-medium">Text</th>
            <th className="px-2 py-2 text-right font-medium">Weight</th>
            <th className="px-4 py-2 text-right font-medium">Scale</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rubric.criteria.map((c) => (
            <tr key={c.id} className="align-top">
              <td className="px-4 py-2 font-mono text-xs font-semibold text-slate-800">{c.id}</td>
              <td className="px-2 py-2 text-slate-700">
                <Markdown text={c.text} />
              </td>
              <td
                className="px-2 py-2 text-right tabular-nums"
                title={total > 0 ? `${((c.weight / total) * 100).toFixed(0)}% of the rubric's weight` : undefined}
              >
                {c.weight}
              </td>
              <td className="whitespace-nowrap px-4 py-2 text-right text-xs text-slate-500">
                {c.scale.kind} {scaleLabel(c.scale)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
