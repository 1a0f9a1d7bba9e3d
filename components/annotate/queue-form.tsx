'use client';
// An admin's new queue: which judgments (the trajectory list's filters, a criterion) and which of
// them (every one, a random sample, a judge-score range, or where people or judge and people disagree).
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { getJson } from '@/lib/client/api';
import { Button } from '@/components/ui/button';
import { useRuns } from '@/lib/client/hooks';
import type { QueueCreated, QueueSummary } from '@/lib/client/label-types';
import { useCreateQueue } from './use-queues';

const FIELD = 'h-8 w-full rounded-md border border-slate-300 bg-white px-2 text-sm';

function Field({ label, children, hint }: { label: string; children: React.ReactNode; hint?: string }) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</span>
      {children}
      {hint && <span className="text-xs text-slate-400">{hint}</span>}
    </label>
  );
}

type RuleName = QueueSummary['rule']['rule'];
type Kind = 'binary' | 'ternary' | 'numeric';

interface CriteriaResponse {
  criteria: { rubric_id: string; id: string; text: string; kind: Kind; items: number }[];
  truncated: boolean;
  kinds: { kind: Kind; items: number; criteria: number }[];
}

/** The criterion choice as the select holds it: '' (any), `kind:<kind>`, or `criterion:<rubric>\u0000<id>`. */
function criterionBody(choice: string): { criterion: string | null; rubric: string | null; criterion_kind: Kind | null } {
  if (choice.startsWith('kind:')) return { criterion: null, rubric: null, criterion_kind: choice.slice(5) as Kind };
  if (choice.startsWith('criterion:')) {
    const [rubric, id] = choice.slice(10).split('\u0000') as [string, string];
    return { criterion: id, rubric, criterion_kind: null };
  }
  return { criterion: null, rubric: null, criterion_kind: null };
}

const clip = (t: string, n = 60) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

export function QueueForm({ onCreated }: { onCreated: (r: QueueCreated) => void }) {
  const runs = useRuns();
  const create = useCreateQueue();
  const [name, setName] = useState('');
  const [run, setRun] = useState('');
  const [benchmark, setBenchmark] = useState('');
  const [correct, setCorrect] = useState('');
  const [labelled, setLabelled] = useState('');
  const [criterion, setCriterion] = useState('');
  const choices = useQuery({
    queryKey: ['criteria', run, benchmark, correct, labelled],
    queryFn: ({ signal }) => getJson<CriteriaResponse>('/api/criteria', { run, benchmark, correct, labelled }, signal),
  });
  const picked = criterion.startsWith('criterion:') ? choices.data?.criteria.find((c) => `criterion:${c.rubric_id}\u0000${c.id}` === criterion) : undefined;
  const [rule, setRule] = useState<RuleName>('sample');
  const [n, setN] = useState('50');
  const [seed, setSeed] = useState('0');
  const [min, setMin] = useState('0');
  const [max, setMax] = useState('0.5');
  const [between, setBetween] = useState<'people' | 'judge_human' | 'judges'>('people');
  const [overlap, setOverlap] = useState('1');
  const [guidelines, setGuidelines] = useState('');

  function ruleBody(): QueueSummary['rule'] {
    switch (rule) {
      case 'all':
        return { rule };
      case 'sample':
        return { rule, n: Number(n), seed: Number(seed) };
      case 'score_range':
        return { rule, min: Number(min), max: Number(max) };
      case 'disagreement':
        return { rule, between };
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        filters: { run, benchmark, correct, labelled },
        ...criterionBody(criterion),
        rule: ruleBody(),
        overlap: Number(overlap),
        guidelines: guidelines.trim() || null,
      },
      { onSuccess: onCreated },
    );
  }

  return (
    <form onSubmit={submit} className="grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="queue-form">
      <Field label="Name">
        <input className={FIELD} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} name="name" />
      </Field>
      <Field label="Run">
        <select className={FIELD} value={run} onChange={(e) => setRun(e.target.value)} name="run">
          <option value="">any run</option>
          {(runs.data ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.id}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Benchmark">
        <input className={FIELD} value={benchmark} onChange={(e) => setBenchmark(e.target.value)} placeholder="any" />
      </Field>
      <Field
        label="Criterion"
        hint={
          picked
            ? `${picked.rubric_id}: ${picked.text}`
            : choices.data?.truncated
              ? 'the 200 criteria with the most items are listed; pick a run to narrow'
              : undefined
        }
      >
        <select className={FIELD} value={criterion} onChange={(e) => setCriterion(e.target.value)} name="criterion" data-testid="queue-criterion">
          <option value="">any criterion</option>
          {(choices.data?.kinds ?? []).map((k) => (
            <option key={k.kind} value={`kind:${k.kind}`}>
              every {k.kind} criterion ({k.criteria} criteria, {k.items} items)
            </option>
          ))}
          {(choices.data?.criteria ?? []).map((c) => (
            <option key={`${c.rubric_id}\u0000${c.id}`} value={`criterion:${c.rubric_id}\u0000${c.id}`} title={c.text}>
              {c.id} · {clip(c.text)} ({c.rubric_id}, {c.items} items)
            </option>
          ))}
        </select>
      </Field>
      <Field label="Outcome">
        <select className={FIELD} value={correct} onChange={(e) => setCorrect(e.target.value)}>
          <option value="">any</option>
          <option value="true">correct</option>
          <option value="false">wrong</option>
        </select>
      </Field>
      <Field label="Already labelled">
        <select className={FIELD} value={labelled} onChange={(e) => setLabelled(e.target.value)}>
          <option value="">either</option>
          <option value="false">not yet</option>
          <option value="true">yes</option>
        </select>
      </Field>
      <Field label="Rule">
        <select className={FIELD} value={rule} onChange={(e) => setRule(e.target.value as RuleName)} name="rule">
          <option value="all">every judgment</option>
          <option value="sample">random sample of N</option>
          <option value="score_range">judge score in a range</option>
          <option value="disagreement">where labels disagree</option>
        </select>
      </Field>
      {rule === 'sample' && (
        <div className="grid grid-cols-2 gap-2">
          <Field label="N">
            <input className={FIELD} type="number" min={1} required value={n} onChange={(e) => setN(e.target.value)} name="n" />
          </Field>
          <Field label="Seed">
            <input className={FIELD} type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} />
          </Field>
        </div>
      )}
      {rule === 'score_range' && (
        <div className="grid grid-cols-2 gap-2">
          <Field label="Min" hint="normalized 0..1">
            <input className={FIELD} type="number" step="any" min={0} max={1} value={min} onChange={(e) => setMin(e.target.value)} />
          </Field>
          <Field label="Max">
            <input className={FIELD} type="number" step="any" min={0} max={1} value={max} onChange={(e) => setMax(e.target.value)} />
          </Field>
        </div>
      )}
      {rule === 'disagreement' && (
        <Field label="Between">
          <select className={FIELD} value={between} onChange={(e) => setBetween(e.target.value as 'people' | 'judge_human' | 'judges')}>
            <option value="people">annotators</option>
            <option value="judge_human">judge and newest label</option>
            <option value="judges">judges with each other</option>
          </select>
        </Field>
      )}
      <Field label="Labels per item" hint="more than 1: several people label each item (agreement)">
        <input className={FIELD} type="number" min={1} max={20} value={overlap} onChange={(e) => setOverlap(e.target.value)} name="overlap" />
      </Field>
      <label className="flex flex-col gap-1 text-sm sm:col-span-2 lg:col-span-4">
        <span className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Guidelines (Markdown, shown while labelling)</span>
        <textarea
          className="min-h-20 rounded-md border border-slate-300 px-2 py-1 text-sm"
          value={guidelines}
          onChange={(e) => setGuidelines(e.target.value)}
          name="guidelines"
        />
      </label>
      <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-4">
        <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
          {create.isPending ? 'Building…' : 'Create queue'}
        </Button>
        {create.isError && (
          <p role="alert" className="text-sm text-rose-700">
            {create.error.message}
          </p>
        )}
      </div>
    </form>
  );
}
