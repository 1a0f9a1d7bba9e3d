'use client';
import { useSyncExternalStore } from 'react';

const noSubscribe = () => () => undefined;

/**
 * False on the server and while React hydrates the server's HTML, true from the first render after.
 * What only the browser knows (the signed-in user, fetched after the page loads) is shown from then
 * on, so the hydrating render always matches the server's HTML, however fast that fetch answers.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}
