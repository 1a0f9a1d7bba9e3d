// Small inline icons (the system fonts lack the media-control glyphs).
type IconProps = { className?: string };
const base = 'h-3.5 w-3.5';

export const IconFirst = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="currentColor" aria-hidden>
    <rect x="2" y="3" width="2" height="10" rx="0.5" />
    <path d="M13 3.5v9a.5.5 0 0 1-.8.4L5.5 8.4a.5.5 0 0 1 0-.8l6.7-4.5a.5.5 0 0 1 .8.4Z" />
  </svg>
);
export const IconLast = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="currentColor" aria-hidden>
    <rect x="12" y="3" width="2" height="10" rx="0.5" />
    <path d="M3 3.5v9a.5.5 0 0 0 .8.4l6.7-4.5a.5.5 0 0 0 0-.8L3.8 3.1a.5.5 0 0 0-.8.4Z" />
  </svg>
);
export const IconPrev = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d="M10 3 5 8l5 5" />
  </svg>
);
export const IconNext = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d="m6 3 5 5-5 5" />
  </svg>
);
export const IconPlay = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="currentColor" aria-hidden>
    <path d="M4 2.8v10.4a.6.6 0 0 0 .9.5l8.2-5.2a.6.6 0 0 0 0-1L4.9 2.3a.6.6 0 0 0-.9.5Z" />
  </svg>
);
export const IconPause = ({ className = base }: IconProps) => (
  <svg viewBox="0 0 16 16" className={className} fill="currentColor" aria-hidden>
    <rect x="3.5" y="2.5" width="3" height="11" rx="0.6" />
    <rect x="9.5" y="2.5" width="3" height="11" rx="0.6" />
  </svg>
);
