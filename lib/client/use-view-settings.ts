'use client';
// The page's view settings from its URL, and a setter that writes them back (replacing the history
// entry, like the list's filters), keeping every other parameter of the page.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { viewFromSearch, withView } from './view-url';

export function useViewSettings(): [ViewSettings, (change: Partial<ViewSettings>) => void] {
  const search = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const key = search.toString();
  const view = useMemo(() => viewFromSearch(new URLSearchParams(key)), [key]);
  const setView = useCallback(
    (change: Partial<ViewSettings>) => {
      const next = withView(new URLSearchParams(key), { ...view, ...change });
      // A change of settings starts the list over: a cursor belongs to one order.
      next.delete('cursor');
      next.delete('page');
      const s = next.toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [key, view, pathname, router],
  );
  return [view, setView];
}
