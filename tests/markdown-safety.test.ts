// A step's text is data: the Markdown renderer must show hostile HTML and LaTeX as text and never
// produce markup that runs or loads anything.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from '@/components/markdown/markdown';

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

/** Every tag name of the rendered markup. */
const tags = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
/** The tags of the rendered markup that are on the list (none may appear, not merely not all of them). */
const tagsAmong = (html: string, banned: readonly string[]) => tags(html).filter((t) => banned.includes(t));
/** Every attribute of the rendered markup as name=value (the source TeX in <annotation> is text, not markup). */
const attributes = (html: string) => [...html.matchAll(/\s([a-zA-Z_:][\w:.-]*)="([^"]*)"/g)].map((m) => `${m[1]!.toLowerCase()}=${m[2]}`);

describe('Markdown of step texts', () => {
  it('renders Markdown and LaTeX', () => {
    const html = render('**Let** $x^2 = 4$ and\n\n$$\n\\frac{1}{2}\n$$');
    expect(html).toContain('<strong>Let</strong>');
    expect(html).toContain('class="katex"');
    expect(html).toContain('katex-display');
  });

  it.each([
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://example.com"></iframe>',
    '<svg onload=alert(1)>',
    'before <img src=x onerror="window.__xss=1"> after',
  ])('shows raw HTML as text: %s', (text) => {
    const html = render(text);
    expect(tagsAmong(html, ['img', 'script', 'iframe', 'svg', 'a'])).toEqual([]);
    expect(attributes(html).filter((a) => a.startsWith('on'))).toEqual([]);
    expect(attributes(html).filter((a) => a.startsWith('href=') || a.startsWith('src='))).toEqual([]);
    // The text itself is still there, escaped, for the reader to see.
    expect(html).toContain(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').split(' ')[0]);
  });

  it.each([
    ['\\href', '$\\href{javascript:alert(1)}{x}$'],
    ['\\url', '$\\url{javascript:alert(1)}$'],
    ['\\htmlClass', '$\\htmlClass{evil}{x}$'],
    ['\\htmlId', '$\\htmlId{evil}{x}$'],
    ['\\htmlData', '$\\htmlData{foo=bar}{x}$'],
    ['\\htmlStyle', '$\\htmlStyle{background:url(https://example.com/t)}{x}$'],
    ['\\includegraphics', '$\\includegraphics{https://example.com/t.png}$'],
  ])('renders KaTeX %s inert', (command, text) => {
    const html = render(text);
    const attrs = attributes(html);
    expect(tagsAmong(html, ['a', 'img'])).toEqual([]);
    expect(attrs.filter((a) => /javascript:|evil|example\.com|^data-/.test(a))).toEqual([]);
    // KaTeX shows the untrusted command's name instead of running it.
    expect(html).toContain(command);
  });

  it('drops javascript: URLs of Markdown links and does not load images', () => {
    const html = render('[click](javascript:alert(1)) ![pixel](https://example.com/t.png)');
    expect(attributes(html).filter((a) => a.includes('javascript:'))).toEqual([]);
    expect(tags(html)).not.toContain('img');
    expect(html).toContain('[image: pixel]');
  });

  it('finds any one listed tag (the check above fails on a single one)', () => {
    expect(tagsAmong('<p>before <img src="x"> after</p>', ['img', 'script', 'iframe', 'svg', 'a'])).toEqual(['img']);
    expect(tagsAmong('<p><a href="#">x</a></p>', ['a', 'img'])).toEqual(['a']);
  });

  it('keeps ordinary links, opened without access to this page', () => {
    const html = render('[docs](https://example.com/a)');
    expect(html).toContain('href="https://example.com/a"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });
});
