'use client';
// The live view (api.md "Training"): one EventSource on an ingest event stream for as long as the page
// is open (closed on unmount; the browser reconnects with Last-Event-ID by itself). Each stored batch
// calls `onBatch` (the page invalidates its queries), at most once per `throttleMs` while batches
// stream in. Paused, batches are counted instead and the view holds still; resuming catches up once.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface LiveEvents {
  /** The stream is open (false while connecting or reconnecting). */
  connected: boolean;
  paused: boolean;
  setPaused: (paused: boolean) => void;
  /** Batches stored while paused, not yet shown. */
  held: number;
  /** When the last batch arrived (ms since the epoch), or null. */
  lastBatchAt: number | null;
}

export function useLiveEvents(url: string | null, onBatch: () => void, throttleMs = 400): LiveEvents {
  const [connected, setConnected] = useState(false);
  const [paused, setPausedState] = useState(false);
  const [held, setHeld] = useState(0);
  const [lastBatchAt, setLastBatchAt] = useState<number | null>(null);
  const pausedRef = useRef(false);
  const heldRef = useRef(0);
  const onBatchRef = useRef(onBatch);
  useEffect(() => {
    onBatchRef.current = onBatch;
  }, [onBatch]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFired = useRef(0);

  const fire = useCallback(() => {
    timer.current = null;
    lastFired.current = Date.now();
    onBatchRef.current();
  }, []);

  const schedule = useCallback(() => {
    if (timer.current) return;
    const wait = lastFired.current + throttleMs - Date.now();
    if (wait <= 0) fire();
    else timer.current = setTimeout(fire, wait);
  }, [fire, throttleMs]);

  useEffect(() => {
    if (url === null || typeof EventSource === 'undefined') return;
    const source = new EventSource(url);
    const onEvent = () => {
      setLastBatchAt(Date.now());
      if (pausedRef.current) {
        heldRef.current += 1;
        setHeld(heldRef.current);
      } else schedule();
    };
    source.addEventListener('ingest', onEvent);
    // Events after the resumed id are no longer held: reload everything once.
    source.addEventListener('reset', onEvent);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    return () => {
      source.close();
      setConnected(false);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [url, schedule]);

  const setPaused = useCallback(
    (next: boolean) => {
      pausedRef.current = next;
      setPausedState(next);
      if (!next && heldRef.current > 0) {
        heldRef.current = 0;
        setHeld(0);
        schedule();
      }
    },
    [schedule],
  );

  return { connected, paused, setPaused, held, lastBatchAt };
}
