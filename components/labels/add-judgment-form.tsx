'use client';
// A person's judgment where the judge gave none: a criterion of the rubric on some steps (or on the
// whole trajectory), with its first label. The replay page offers it beside the steps: the steps field
// follows the replay's current step until the person types in it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { Button } from '@/components/ui/button';
import { hasRole, sendJson, useMe, WriteError } from '@/lib/client/auth';
import { trajectoryPath } from '@/lib/client/api';
import type { LabelWritten } from '@/lib/client/label-types';
import type { RubricCriterion } from '@/lib/client/types';
import { isOnScale } from '@/lib/domain/rubric';
import { optionText, plainText } from '@/lib/client/plain-text';
import { describeScale } from '@/lib/client/scale-keys';
import { ScorePicker } from './score-picker';
import { invalidateAfterLabel } from './use-labels';

function parseSteps(text: string, stepCount: number): number[] | null {
  if (text.trim() === '') return [];
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const steps = parts.map(Number);
  return steps.every((s) => Number.isInteger(s) && s >= 0 && s < stepCount) ? steps : null;
}

export function AddJudgmentForm({
  trajectoryId,
  criteria,
  steps: followSteps = [],
  stepCount = Number.MAX_SAFE_INTEGER,
  onAdded,
}: {
  trajectoryId: string;
  criteria: readonly RubricCriterion[];
  /** The steps the field shows until the person types in it (the replay's current step). */
  steps?: readonly number[];
  stepCount?: number;
  onAdded?: (written: LabelWritten) => void;
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [criterionId, setCriterionId] = useState(criteria[0]?.id ?? '');
  // null: the field follows `steps`.
  const [typedSteps, setStepsText] = useState<string | null>(null);
  const stepsText = typedSteps ?? followSteps.join(', ');
  const [score, setScore] = useState<number | null>(null);
  const [rationale, setRationale] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (body: { criterion: string; steps: number[]; score: number; rationale: string | null }) =>
      sendJson<LabelWritten>('POST', `${trajectoryPath(trajectoryId)}/judgments`, body),
    onSuccess: (w) => {
      invalidateAfterLabel(queryClient, w.judgment.id, trajectoryId);
      setMessage(
        `Added judgment #${w.judgment.id}: ${w.label.score} on ${w.judgment.criterion.id}, ${w.judgment.steps.length === 0 ? 'the whole trajectory' : `step${w.judgment.steps.length > 1 ? 's' : ''} ${w.judgment.steps.join(', ')}`}`,
      );
      setScore(null);
      setRationale('');
      setStepsText(null);
      onAdded?.(w);
    },
    onError: (e) => {
      const existing = e instanceof WriteError && e.status === 409 ? (e.details as { judgment_id?: number } | undefined)?.judgment_id : undefined;
      setMessage(existing ? `Judgment #${existing} already scores this criterion on these steps: label it instead.` : e.message);
    },
  });

  if (!hasRole(me.data, 'annotator') || criteria.length === 0) return null;
  const criterion = criteria.find((c) => c.id === criterionId);
  const steps = parseSteps(stepsText, stepCount);
  const valid = !!criterion && steps !== null && score !== null && isOnScale(score, criterion.scale);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid || steps === null || score === null) return;
    setMessage(null);
    add.mutate({ criterion: criterionId, steps, score, rationale: rationale.trim() || null });
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2 text-xs" data-testid="add-judgment-form">
      <select
        value={criterionId}
        onChange={(e) => {
          setCriterionId(e.target.value);
          setScore(null);
        }}
        className="h-8 w-full min-w-0 rounded-md border border-slate-300 px-1"
        aria-label="criterion"
      >
        {criteria.map((c) => (
          <option key={c.id} value={c.id} title={plainText(c.text)}>
            {c.id} — {optionText(c.text, 61)}
          </option>
        ))}
      </select>
      {criterion && (
        // An <option> is plain text, so the chosen criterion is shown again as the steps show it: Markdown and LaTeX rendered.
        <div className="w-full rounded-md bg-slate-50 px-2 py-1.5 text-slate-700" data-testid="add-judgment-criterion">
          <div className="mb-0.5 text-[11px] text-slate-500">
            <span className="font-mono">{criterion.id}</span> · weight {criterion.weight} · {describeScale(criterion.scale)}
          </div>
          <Markdown text={criterion.text} className="text-xs" />
        </div>
      )}
      <input
        value={stepsText}
        onChange={(e) => setStepsText(e.target.value)}
        placeholder="steps (blank: whole trajectory)"
        className={`h-8 w-36 min-w-0 rounded-md border px-2 ${steps === null ? 'border-rose-400' : 'border-slate-300'}`}
        aria-label="steps"
        aria-invalid={steps === null}
        title="step indexes, e.g. 2, 3 (a set: order and repeats do not matter); blank = the whole trajectory"
      />
      {steps === null && <p className="w-full text-rose-700">Steps are indexes from 0 to {stepCount - 1}, separated by commas.</p>}
      {criterion && <ScorePicker scale={criterion.scale} value={score} onChange={setScore} />}
      <input
        value={rationale}
        onChange={(e) => setRationale(e.target.value)}
        placeholder="rationale (optional)"
        className="h-8 min-w-32 flex-1 rounded-md border border-slate-300 px-2"
        aria-label="rationale"
      />
      <Button type="submit" size="sm" variant="primary" disabled={!valid || add.isPending} data-testid="add-judgment">
        {add.isPending ? 'Adding…' : 'Add judgment'}
      </Button>
      {message && (
        <p className="w-full text-slate-600" role="status" data-testid="add-judgment-message">
          {message}
        </p>
      )}
    </form>
  );
}
