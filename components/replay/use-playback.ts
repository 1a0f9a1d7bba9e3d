'use client';
// The replay's playhead: the current step, play/pause at a speed in steps per second, and the keys
// that drive it (j/k or arrows step, space plays, g/G or Home/End jump, [ ] change speed, ? help).
import { useCallback, useEffect, useState } from 'react';

export const SPEEDS = [1, 2, 5, 10, 25, 100] as const;
export type Speed = (typeof SPEEDS)[number];

export interface Playback {
  current: number;
  /** The last move came from the keys, the buttons or playing (not from pointing at the timeline): the page brings the step into view. */
  follow: boolean;
  playing: boolean;
  speed: Speed;
  seek: (index: number) => void;
  /** Like seek, for a pointer on the timeline: the page stays where it is under the pointer. */
  scrub: (index: number) => void;
  step: (delta: number) => void;
  toggle: () => void;
  setSpeed: (s: Speed) => void;
  helpOpen: boolean;
  setHelpOpen: (open: boolean) => void;
}

/** Keys typed into a field or a control belong to it, not to the replay. */
function typingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

export function usePlayback(stepCount: number, initial = 0): Playback {
  const [current, setCurrent] = useState(initial);
  const [follow, setFollow] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(2);
  const [helpOpen, setHelpOpen] = useState(false);
  const last = Math.max(0, stepCount - 1);

  const clamp = useCallback((i: number) => Math.max(0, Math.min(last, Math.round(i))), [last]);
  const seek = useCallback(
    (i: number) => {
      setFollow(true);
      setCurrent(clamp(i));
    },
    [clamp],
  );
  const scrub = useCallback(
    (i: number) => {
      setFollow(false);
      setCurrent(clamp(i));
    },
    [clamp],
  );
  const step = useCallback(
    (d: number) => {
      setFollow(true);
      setCurrent((c) => clamp(c + d));
    },
    [clamp],
  );
  const toggle = useCallback(() => {
    setFollow(true);
    setPlaying((p) => {
      // Play from the start again once the end is reached.
      if (!p) setCurrent((c) => (c >= last ? 0 : c));
      return !p;
    });
  }, [last]);

  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => {
      setCurrent((c) => {
        if (c >= last) {
          setPlaying(false);
          return c;
        }
        return c + 1;
      });
    }, 1000 / speed);
    return () => clearInterval(t);
  }, [playing, speed, last]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || typingTarget(e.target)) return;
      const faster = (d: number) => {
        const i = SPEEDS.indexOf(speed) + d;
        setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i))]!);
      };
      const actions: Record<string, () => void> = {
        j: () => step(1),
        ArrowDown: () => step(1),
        ArrowRight: () => step(1),
        k: () => step(-1),
        ArrowUp: () => step(-1),
        ArrowLeft: () => step(-1),
        J: () => step(10),
        K: () => step(-10),
        PageDown: () => step(10),
        PageUp: () => step(-10),
        ' ': toggle,
        g: () => seek(0),
        Home: () => seek(0),
        G: () => seek(last),
        End: () => seek(last),
        ']': () => faster(1),
        '[': () => faster(-1),
        '?': () => setHelpOpen((o) => !o),
        Escape: () => setHelpOpen(false),
      };
      const action = actions[e.key];
      if (!action) return;
      // Space on a focused button would click it as well as toggle: the replay takes the key.
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, toggle, seek, last, speed]);

  return { current: Math.min(current, last), follow, playing, speed, seek, scrub, step, toggle, setSpeed, helpOpen, setHelpOpen };
}
