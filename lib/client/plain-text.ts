// A query's Markdown and LaTeX as one line of readable text, for places too small to render it
// (a list cell): "$\frac{1}{2}$ of $x^{2}$" reads "1/2 of x²". The query page renders it in full.

const SYMBOLS: Record<string, string> = {
  cdot: '·',
  times: '×',
  div: '÷',
  pm: '±',
  mp: '∓',
  le: '≤',
  leq: '≤',
  ge: '≥',
  geq: '≥',
  ne: '≠',
  neq: '≠',
  approx: '≈',
  equiv: '≡',
  infty: '∞',
  pi: 'π',
  theta: 'θ',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  lambda: 'λ',
  mu: 'μ',
  sigma: 'σ',
  omega: 'ω',
  phi: 'φ',
  epsilon: 'ε',
  Delta: 'Δ',
  Sigma: 'Σ',
  sum: 'Σ',
  prod: '∏',
  int: '∫',
  in: '∈',
  subset: '⊂',
  cup: '∪',
  cap: '∩',
  to: '→',
  rightarrow: '→',
  Rightarrow: '⇒',
  leftarrow: '←',
  circ: '°',
  angle: '∠',
  triangle: '△',
  ldots: '…',
  dots: '…',
  cdots: '⋯',
  prime: '′',
  lfloor: '⌊',
  rfloor: '⌋',
  lceil: '⌈',
  rceil: '⌉',
  mid: '|',
  '%': '%',
  $: '$',
  '{': '{',
  '}': '}',
  ',': ' ',
  ';': ' ',
  '!': '',
  quad: ' ',
  qquad: ' ',
};

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '+': '⁺',
  '-': '⁻',
  n: 'ⁿ',
};

/** The content of the braces that open at `s[i]` (which is "{"), and the index after them. */
function group(s: string, i: number): [string, number] {
  if (s[i] !== '{') return [s[i] ?? '', i + 1];
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return [s.slice(i + 1, j), j + 1];
  }
  return [s.slice(i + 1), s.length];
}

function superscript(t: string): string {
  return [...t].every((c) => SUPERSCRIPT[c]) ? [...t].map((c) => SUPERSCRIPT[c]).join('') : `^${t.length > 1 ? `(${t})` : t}`;
}

function latex(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      const name = /^[A-Za-z]+/.exec(s.slice(i + 1))?.[0] ?? s[i + 1] ?? '';
      i += 1 + name.length;
      if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
        const [a, j] = group(s, skipSpace(s, i));
        const [b, k] = group(s, skipSpace(s, j));
        const wrap = (t: string) => (/^[\w.]+$/.test(t) ? t : `(${t})`);
        out += `${wrap(latex(a))}/${wrap(latex(b))}`;
        i = k;
      } else if (name === 'sqrt') {
        const [a, j] = group(s, skipSpace(s, i));
        out += `√${/^\w+$/.test(a) ? latex(a) : `(${latex(a)})`}`;
        i = j;
      } else if (name === 'text' || name === 'mathrm' || name === 'mathbf' || name === 'textbf' || name === 'operatorname' || name === 'boxed') {
        const [a, j] = group(s, skipSpace(s, i));
        out += latex(a);
        i = j;
      } else if (name === 'left' || name === 'right' || name === 'displaystyle' || name === 'limits') {
        // sizing only
      } else if (name in SYMBOLS) {
        out += SYMBOLS[name];
      } else {
        out += name;
      }
    } else if (c === '^') {
      const [a, j] = group(s, i + 1);
      out += superscript(latex(a));
      i = j;
    } else if (c === '_') {
      const [a, j] = group(s, i + 1);
      out += `_${latex(a)}`;
      i = j;
    } else if (c === '{' || c === '}') {
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function skipSpace(s: string, i: number): number {
  while (s[i] === ' ') i++;
  return i;
}

export function plainText(markdown: string): string {
  const text = markdown
    // An escaped dollar ("costs \$24") is a dollar, not the start of math.
    .replace(/\\\$/g, '\u0000')
    // $$…$$, $…$, \(…\) and \[…\]: the math, read as text.
    .replace(/\$\$([\s\S]+?)\$\$|\$([^$]+?)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g, (_m, a, b, c, d) => latex(String(a ?? b ?? c ?? d)))
    // Markdown's marks: emphasis, code, headings, links (their text).
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|`)/g, '')
    .replace(/^#+\s*/gm, '')
    .replace(/\u0000/g, '$');
  return text.replace(/\s+/g, ' ').trim();
}

/** A text as one line of an <option> (which cannot show rendered LaTeX): plain text, cut at `max` characters. */
export function optionText(markdown: string, max: number): string {
  const text = plainText(markdown);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
