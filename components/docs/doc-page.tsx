// One page of docs/: Markdown with anchors on its headings (/docs/scoring#preference-pairs) and links
// between the pages kept inside the app. The text is the repository's own, not a trace's.
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { Card } from '@/components/ui/card';
import { headingId } from '@/lib/client/heading-id';
import '@/components/markdown/markdown.css';

function text(children: React.ReactNode): string {
  if (typeof children === 'string' || typeof children === 'number') return String(children);
  if (Array.isArray(children)) return children.map(text).join('');
  if (children && typeof children === 'object' && 'props' in children) return text((children.props as { children?: React.ReactNode }).children);
  return '';
}

/** docs/x.md links become /docs/x; anything else is left as written. */
function docHref(href: string | undefined): string | undefined {
  const m = href?.match(/^(?:\.\/|docs\/)?([\w-]+)\.md(#.*)?$/);
  return m ? `/docs/${m[1]}${m[2] ?? ''}` : href;
}

function heading(Tag: 'h1' | 'h2' | 'h3' | 'h4') {
  function Heading({ children }: { children?: React.ReactNode }) {
    return (
      <Tag id={headingId(text(children))} className="scroll-mt-20">
        {children}
      </Tag>
    );
  }
  return Heading;
}

const components: Components = {
  h1: heading('h1'),
  h2: heading('h2'),
  h3: heading('h3'),
  h4: heading('h4'),
  a: ({ href, children }) => (
    <a href={docHref(href)} className="text-sky-700 underline decoration-sky-300 underline-offset-2">
      {children}
    </a>
  ),
};

export function DocPage({ name, text: body }: { name: string; text: string }) {
  return (
    <Card className="mx-auto max-w-4xl p-6" data-testid="doc-page" data-doc={name}>
      <div className="rl-markdown rl-doc text-[15px] leading-relaxed text-slate-800">
        <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
          {body}
        </ReactMarkdown>
      </div>
    </Card>
  );
}
