// Step texts, query texts and rationales are data from trace files: Markdown and LaTeX are rendered,
// nothing in them runs. react-markdown without rehype-raw prints raw HTML as text; its URL transform
// drops javascript: links; KaTeX runs with trust off, so \href, \url, \htmlClass, \htmlId, \htmlData
// and \includegraphics render as inert red command names; images are not fetched (a trace must not
// make the browser call out), their alt text is shown instead.
import { memo, useState, type ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeKatex, { type Options as KatexOptions } from 'rehype-katex';
import remarkMath from 'remark-math';
import './markdown.css';

export const KATEX_OPTIONS: KatexOptions = {
  trust: false,
  strict: 'ignore',
  // Bounds a macro bomb (\def loops) and absurd sizes in hostile input.
  maxExpand: 500,
  maxSize: 20,
  output: 'htmlAndMathml',
};

/** Longer texts are cut here until the reader asks for the rest (a step may hold 1 MB). */
export const PREVIEW_CHARS = 20_000;

const remarkPlugins = [remarkMath];
const rehypePlugins: NonNullable<ComponentProps<typeof ReactMarkdown>['rehypePlugins']> = [[rehypeKatex, KATEX_OPTIONS]];

const components: Components = {
  img: ({ alt }) => <span className="rounded bg-slate-100 px-1 text-slate-500">[image{alt ? `: ${alt}` : ''}]</span>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-sky-700 underline decoration-sky-300 underline-offset-2">
      {children}
    </a>
  ),
};

interface MarkdownProps {
  text: string;
  className?: string;
}

function MarkdownImpl({ text, className }: MarkdownProps) {
  const [full, setFull] = useState(false);
  const long = text.length > PREVIEW_CHARS;
  const shown = long && !full ? text.slice(0, PREVIEW_CHARS) : text;
  return (
    <div className={`rl-markdown ${className ?? ''}`}>
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} skipHtml={false}>
        {shown}
      </ReactMarkdown>
      {long && (
        <button type="button" onClick={() => setFull((f) => !f)} className="mt-1 text-xs font-medium text-sky-700 hover:underline">
          {full ? 'Show less' : `Show all ${text.length.toLocaleString('en-US')} characters`}
        </button>
      )}
    </div>
  );
}

export const Markdown = memo(MarkdownImpl);
