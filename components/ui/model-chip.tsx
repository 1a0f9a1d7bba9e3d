export function ModelSwatch({ color, className = 'h-2.5 w-2.5' }: { color: string; className?: string }) {
  return <span aria-hidden className={`inline-block shrink-0 rounded-sm ${className}`} style={{ backgroundColor: color }} />;
}
