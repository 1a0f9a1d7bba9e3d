'use client';
// /annotate/{queue}: one judgment at a time, keyboard first. The server leases the next item to the
// caller (so two people do not label the same item at once); a label goes in against the version on
// screen, and a 409 says who changed it meanwhile and shows the new state before a resubmit.
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Markdown } from '@/components/markdown/markdown';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Kbd } from '@/components/ui/kbd';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { SkeletonRows } from '@/components/ui/skeleton';
import { ScorePicker } from '@/components/labels/score-picker';
import { conflictText, invalidateAfterLabel, staleVersionOf } from '@/components/labels/use-labels';
import { pageHref } from '@/lib/client/api';
import { sendJson } from '@/lib/client/auth';
import type { LabelWritten, QueueItem, QueueSummary } from '@/lib/client/label-types';
import { describeScale, scoreForKey } from '@/lib/client/scale-keys';
import { isOnScale } from '@/lib/domain/rubric';
import { KeyHelp, scaleKeysText } from './key-help';
import { ProgressBar } from './progress-bar';
import { fetchItem, leaseNext, releaseItem } from './use-queues';

/** Digits typed within this many ms form one number (10 on a 0..10 scale). */
const DIGIT_PAUSE_MS = 700;

/** A notice belongs to the item it is about: it never shows on another item. */
type Notice = { tone: 'ok' | 'warn' | 'error'; text: string; itemId: number } | null;

/** The items shown in this sitting, kept for the tab (sessionStorage) so that p still works after a reload. */
const trailKey = (queueId: number) => `routelens.queue.${queueId}.trail`;
function storedTrail(queueId: number): number[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(trailKey(queueId)) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x) && x > 0).slice(-500) : [];
  } catch {
    return [];
  }
}
function storeTrail(queueId: number, trail: readonly number[]): void {
  try {
    sessionStorage.setItem(trailKey(queueId), JSON.stringify(trail.slice(-500)));
  } catch {
    // A full or disabled storage only costs p after a reload.
  }
}

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function LabellingView({ queueId }: { queueId: number }) {
  const queryClient = useQueryClient();
  // The items shown in this sitting, in order, and where in that list the view is (p and n move).
  const trail = useRef<number[]>([]);
  const [at, setAt] = useState(-1);
  const [item, setItem] = useState<QueueItem | null>(null);
  const [queue, setQueue] = useState<QueueSummary | null>(null);
  const [finished, setFinished] = useState(false);
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [score, setScore] = useState<number | null>(null);
  const [rationale, setRationale] = useState('');
  const [notice, setNotice] = useState<Notice>(null);
  const [help, setHelp] = useState(false);
  const skipped = useRef<number[]>([]);
  const digits = useRef({ buffer: '', at: 0 });
  const rationaleBox = useRef<HTMLTextAreaElement>(null);

  const show = useCallback((next: QueueItem) => {
    setItem(next);
    setScore(next.my_label?.score ?? null);
    setRationale('');
    digits.current = { buffer: '', at: 0 };
  }, []);

  const receive = useCallback(
    (r: { item: QueueItem | null; queue: QueueSummary }) => {
      setError(null);
      setLoading(false);
      setQueue(r.queue);
      if (!r.item) {
        setFinished(true);
        setItem(null);
        // p from the end goes to the last item of the trail.
        setAt(trail.current.length);
        return;
      }
      const id = r.item.item_id;
      setFinished(false);
      const kept = trail.current.filter((x) => x !== id);
      trail.current = [...kept, id];
      storeTrail(queueId, trail.current);
      setAt(kept.length);
      show(r.item);
    },
    [show, queueId],
  );

  const failed = useCallback((e: unknown) => {
    setError(e);
    setLoading(false);
  }, []);

  const loadNext = useCallback(() => leaseNext(queueId, skipped.current).then(receive, failed), [queueId, receive, failed]);

  const open = useCallback(
    async (index: number, itemId: number) => {
      setLoading(true);
      setError(null);
      try {
        show(await fetchItem(queueId, itemId));
        setAt(index);
        setFinished(false);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [queueId, show],
  );

  useEffect(() => {
    let live = true;
    // A reload keeps the items of this sitting: p goes back over them.
    trail.current = storedTrail(queueId);
    leaseNext(queueId, []).then(
      (r) => live && receive(r),
      (e: unknown) => live && failed(e),
    );
    return () => {
      live = false;
    };
  }, [queueId, receive, failed]);

  /** To the next item of the trail, or a new lease; `passOver` gives back the current unlabelled item. */
  const advance = useCallback(
    async (passOver: boolean) => {
      if (at >= 0 && at < trail.current.length - 1) return open(at + 1, trail.current[at + 1]!);
      if (passOver && item && !item.my_label) {
        skipped.current = [...skipped.current, item.item_id];
        await releaseItem(queueId, item.item_id).catch(() => undefined);
      }
      setLoading(true);
      return loadNext();
    },
    [at, item, open, queueId, loadNext],
  );

  const goNext = useCallback(() => {
    setNotice(null);
    return advance(true);
  }, [advance]);

  const goPrevious = useCallback(async () => {
    if (at > 0) {
      setNotice(null);
      await open(at - 1, trail.current[at - 1]!);
    }
  }, [at, open]);

  const submit = useCallback(async () => {
    if (!item || score === null || saving || !isOnScale(score, item.judgment.criterion.scale)) return;
    setSaving(true);
    try {
      const w = await sendJson<LabelWritten>('POST', `/api/judgments/${item.judgment.id}/labels`, {
        score,
        rationale: rationale.trim() || null,
        expected_version: item.judgment.version,
      });
      invalidateAfterLabel(queryClient, item.judgment.id, item.trajectory.id);
      setNotice({ tone: 'ok', text: `Saved ${w.label.score} on ${item.judgment.criterion.id} (version ${w.version}).`, itemId: item.item_id });
      await advance(false);
    } catch (e) {
      const stale = staleVersionOf(e);
      if (stale) {
        setNotice({ tone: 'warn', text: conflictText(stale), itemId: item.item_id });
        const fresh = await fetchItem(queueId, item.item_id).catch(() => null);
        if (fresh) setItem(fresh);
      } else {
        setNotice({ tone: 'error', text: e instanceof Error ? e.message : String(e), itemId: item.item_id });
      }
    } finally {
      setSaving(false);
    }
  }, [item, score, saving, rationale, queryClient, advance, queueId]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey || (e.metaKey && e.key !== 'Enter') || (e.ctrlKey && e.key !== 'Enter')) return;
      if (typingInField(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void submit();
        }
        return;
      }
      if (help) {
        if (e.key === 'Escape' || e.key === '?') setHelp(false);
        return;
      }
      if (e.key === '?') return setHelp(true);
      if (e.key === 'Enter') {
        e.preventDefault();
        return void submit();
      }
      if (e.key === 'n' || e.key === 'ArrowRight') return void goNext();
      if (e.key === 'p' || e.key === 'ArrowLeft') return void goPrevious();
      if (!item) return;
      if (e.key === 'r') {
        e.preventDefault();
        return rationaleBox.current?.focus();
      }
      if (e.key === 'a' && item.judgment.judge_score !== null) return setScore(item.judgment.judge_score);
      const now = performance.now();
      const buffer = now - digits.current.at < DIGIT_PAUSE_MS ? digits.current.buffer : '';
      const picked = scoreForKey(e.key, item.judgment.criterion.scale, score, buffer);
      digits.current = { buffer: picked.buffer, at: now };
      if (picked.score !== null) {
        e.preventDefault();
        setScore(picked.score);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, item, score, submit, goNext, goPrevious]);

  const total = queue?.items ?? 0;
  const header = (
    <div className="mb-4 flex flex-wrap items-center gap-4">
      <div className="min-w-0 flex-1">
        <div className="text-xs text-slate-500">
          <Link href="/annotate" className="hover:underline">
            Annotate
          </Link>{' '}
          / queue {queueId}
        </div>
        <h1 className="truncate text-xl font-semibold tracking-tight text-slate-900">{queue?.name ?? 'Labelling'}</h1>
      </div>
      <div className="w-64">
        <ProgressBar done={queue?.done_by_me ?? 0} total={total} label="labelled by you" testId="my-progress" />
      </div>
      <Button size="sm" variant="ghost" onClick={() => setHelp(true)} aria-label="keyboard help">
        <Kbd>?</Kbd> keys
      </Button>
    </div>
  );

  if (error && !item)
    return (
      <div>
        {header}
        <ErrorState error={error} onRetry={() => void advance(false)} />
      </div>
    );
  if (finished) {
    return (
      <div>
        {header}
        <Card>
          <EmptyState
            title="Nothing left for you in this queue"
            action={
              <Link href="/annotate" className="text-sm text-sky-700 hover:underline">
                Back to the queues
              </Link>
            }
          >
            Every item is labelled by you, or held or finished by as many people as the queue asks.
            {at > 0 && ' Press p to go back over what you labelled.'}
          </EmptyState>
        </Card>
        {help && <KeyHelp scale={null} onClose={() => setHelp(false)} />}
      </div>
    );
  }
  if (!item)
    return (
      <div>
        {header}
        <SkeletonRows rows={8} />
      </div>
    );

  const j = item.judgment;
  const scale = j.criterion.scale;
  const valid = score !== null && isOnScale(score, scale);
  return (
    <div data-testid="labelling-view" data-item-id={item.item_id} aria-busy={loading}>
      {header}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_360px]">
        <div className="min-w-0 space-y-4">
          <Card>
            <CardHeader
              title={
                <span>
                  Criterion <span className="font-mono">{j.criterion.id}</span>
                </span>
              }
              subtitle={`weight ${j.criterion.weight} · ${describeScale(scale)} · item ${item.position + 1} of ${total}`}
              actions={
                <Link href={pageHref.trajectory(item.trajectory.id)} className="text-xs text-sky-700 hover:underline" target="_blank">
                  open the replay
                </Link>
              }
            />
            <div className="space-y-3 px-4 py-3 text-sm">
              <div className="text-base text-slate-900" data-testid="criterion-text">
                <Markdown text={j.criterion.text} />
              </div>
              <div className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2">
                <span className="text-slate-600">judge</span>
                <span className="text-lg font-semibold tabular-nums text-slate-900" data-testid="judge-score">
                  {j.judge_score ?? '—'}
                </span>
                {j.judge && <Badge tone="amber">{j.judge}</Badge>}
                {j.source === 'human' && j.newest_label && (
                  <span className="text-xs text-slate-600">
                    effective {j.effective_score} (by {j.newest_label.author_name})
                  </span>
                )}
                {j.rationale && (
                  <div className="w-full text-slate-700">
                    <Markdown text={j.rationale} />
                  </div>
                )}
              </div>
            </div>
          </Card>
          <Card>
            <CardHeader
              title={j.steps.length === 0 ? 'The whole trajectory' : `Step${j.steps.length > 1 ? 's' : ''} ${j.steps.join(', ')}`}
              subtitle={item.steps_named > item.steps.length ? `showing ${item.steps.length} of ${item.steps_named} named steps` : item.trajectory.id}
            />
            <div className="divide-y divide-slate-100">
              {item.steps.map((s) => (
                <div key={s.index} className="px-4 py-3 text-sm" data-testid="item-step">
                  <div className="mb-1 flex gap-2 text-xs text-slate-500">
                    <span className="font-mono">#{s.index}</span>
                    <span>{s.model}</span>
                  </div>
                  <Markdown text={s.text} />
                </div>
              ))}
              <details className="px-4 py-3 text-sm" open={item.steps.length === 0}>
                <summary className="cursor-pointer text-xs font-medium text-slate-500">
                  Query {item.trajectory.query_id} · final answer {item.trajectory.final_answer ?? '—'} <OutcomeBadge correct={item.trajectory.correct} />
                </summary>
                <div className="mt-2">
                  <Markdown text={item.trajectory.query_text} />
                  {item.trajectory.reference_answer && <p className="mt-1 text-xs text-slate-500">reference answer: {item.trajectory.reference_answer}</p>}
                </div>
              </details>
            </div>
          </Card>
        </div>
        <div className="space-y-4">
          <Card className="lg:sticky lg:top-16">
            <CardHeader title="Your score" subtitle={`keys: ${scaleKeysText(scale)} · a = judge's`} />
            <form
              className="space-y-3 px-4 py-3"
              onSubmit={(e) => {
                e.preventDefault();
                void submit();
              }}
            >
              <ScorePicker scale={scale} value={score} judgeScore={j.judge_score} onChange={setScore} showKeys disabled={saving} />
              <textarea
                ref={rationaleBox}
                value={rationale}
                onChange={(e) => setRationale(e.target.value)}
                placeholder="rationale (optional) — r to write, Esc to leave"
                maxLength={10_000}
                className="min-h-16 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                aria-label="rationale"
              />
              {item.my_label && <p className="text-xs text-slate-500">You labelled this {item.my_label.score} before; a new label adds to the history.</p>}
              <div className="flex items-center gap-2">
                <Button type="submit" variant="primary" disabled={!valid || saving} data-testid="submit-label">
                  {saving ? 'Saving…' : 'Submit'} <Kbd>Enter</Kbd>
                </Button>
                <Button onClick={() => void goPrevious()} disabled={at <= 0 || loading} title="previous (p)">
                  <Kbd>p</Kbd>
                </Button>
                <Button onClick={() => void goNext()} disabled={loading} title="next (n)">
                  <Kbd>n</Kbd>
                </Button>
              </div>
              {notice && notice.itemId === item.item_id && (
                <p
                  role={notice.tone === 'ok' ? 'status' : 'alert'}
                  data-testid={notice.tone === 'warn' ? 'label-conflict' : 'label-notice'}
                  className={`rounded px-2 py-1 text-xs ${notice.tone === 'ok' ? 'bg-emerald-50 text-emerald-800' : notice.tone === 'warn' ? 'bg-amber-50 text-amber-900' : 'bg-rose-50 text-rose-800'}`}
                >
                  {notice.text}
                </p>
              )}
            </form>
          </Card>
          {item.guidelines && (
            <Card>
              <CardHeader title="Guidelines" />
              <div className="px-4 py-3 text-sm" data-testid="guidelines">
                <Markdown text={item.guidelines} />
              </div>
            </Card>
          )}
          <Card>
            <CardHeader title="Rubric" subtitle={`${item.criteria.length} criteria`} />
            <ol className="divide-y divide-slate-100 text-xs">
              {item.criteria.map((c) => (
                <li key={c.id} className={`px-4 py-2 ${c.id === j.criterion.id ? 'bg-sky-50' : ''}`}>
                  <div className="flex gap-2 text-slate-500">
                    <span className="font-mono font-semibold text-slate-700">{c.id}</span>
                    <span>weight {c.weight}</span>
                    <span>{describeScale(c.scale)}</span>
                  </div>
                  <div className="mt-0.5 text-slate-700">
                    <Markdown text={c.text} />
                  </div>
                </li>
              ))}
            </ol>
          </Card>
        </div>
      </div>
      {help && <KeyHelp scale={scale} onClose={() => setHelp(false)} />}
    </div>
  );
}
