export function Kbd({ children }: { children: React.ReactNode }) {
  return (
    <kbd className="inline-flex min-w-5 items-center justify-center rounded border border-slate-300 bg-slate-50 px-1 font-mono text-[11px] text-slate-700 shadow-[0_1px_0_rgb(203,213,225)]">
      {children}
    </kbd>
  );
}
