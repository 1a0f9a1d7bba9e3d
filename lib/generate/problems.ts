/**
 * Math problems in the style of GSM8K, MATH500 and AIME24, each with a worked solution split into
 * reasoning steps whose roles (setup, crux, compute, check, answer) drive the simulated routing.
 * Every template computes its reference answer from its parameters, so answers are right.
 */
import { Rng } from './rng';

export type Benchmark = 'MATH500' | 'GSM8K' | 'AIME24';

/** What a reasoning step does; the crux is the step that decides the problem (the key equation or idea). */
export type StepRole = 'setup' | 'crux' | 'compute' | 'check' | 'answer' | 'filler';

export interface CoreStep {
  role: StepRole;
  text: string;
  /** The same step done wrongly, used in some incorrect trajectories. */
  wrong?: string;
}

export interface Problem {
  subject: string;
  /** 1..5 like MATH's levels (GSM8K problems are 1-2, AIME problems 5). */
  level: number;
  text: string;
  answer: string;
  /** Plausible wrong final answers, none equal to `answer`. */
  wrong: string[];
  /** The worked solution without its final answer step, which the generator writes. */
  core: CoreStep[];
  /** The key relation as inline math, e.g. `$5x + 3 = 2(x - 7)$`. */
  cruxInline: string;
  /** What the crux step does, completing "the step that ...". */
  cruxDesc: string;
  /** A piece of routine arithmetic of the solution, as inline math. */
  routineInline: string;
  /** Problem-specific extra steps (re-reading, re-checking) that long trajectories are padded with. */
  fillers: string[];
}

type Template = (rng: Rng) => Problem;

// ---------------------------------------------------------------- formatting helpers

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** `" + 3"`, `" - 3"`, or `""` for 0: a constant term after another term. */
function signed(n: number): string {
  if (n === 0) return '';
  return n > 0 ? ` + ${n}` : ` - ${-n}`;
}

/** `x`, `-x`, `5x`. */
function coefTerm(c: number, v: string): string {
  if (c === 1) return v;
  if (c === -1) return `-${v}`;
  return `${c}${v}`;
}

/** `5x - 3` (or just the constant when the coefficient is 0). */
function lin(a: number, b: number, v = 'x'): string {
  if (a === 0) return `${b}`;
  return `${coefTerm(a, v)}${signed(b)}`;
}

/** A number in parentheses when negative, for products like `2(-3)`. */
function par(n: number): string {
  return n < 0 ? `(${n})` : `${n}`;
}

function fracTex(n: number, d: number): string {
  if (d < 0) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1;
  n /= g;
  d /= g;
  if (d === 1) return `${n}`;
  return n < 0 ? `-\\frac{${-n}}{${d}}` : `\\frac{${n}}{${d}}`;
}

function factorTex(n: number): string {
  const parts: string[] = [];
  for (let p = 2; n > 1; p++) {
    let e = 0;
    while (n % p === 0) {
      n /= p;
      e++;
    }
    if (e > 0) parts.push(e === 1 ? `${p}` : `${p}^{${e}}`);
  }
  return parts.join(' \\cdot ');
}

function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? `${whole}` : `${whole}.${String(rest).padStart(2, '0')}`;
}

function modPow(base: number, exp: number, mod: number): number {
  let result = 1 % mod;
  let b = base % mod;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1;
  }
  return result;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

const PEOPLE: readonly (readonly [string, string, string])[] = [
  ['Maya', 'she', 'her'],
  ['Liam', 'he', 'his'],
  ['Aisha', 'she', 'her'],
  ['Chen', 'he', 'his'],
  ['Sofia', 'she', 'her'],
  ['Mateo', 'he', 'his'],
  ['Priya', 'she', 'her'],
  ['Noah', 'he', 'his'],
  ['Zoë', 'she', 'her'],
  ['Kwame', 'he', 'his'],
  ['Hana', 'she', 'her'],
  ['Omar', 'he', 'his'],
];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function finish(p: Problem): Problem {
  // A negative count is not a plausible slip when the answer is a non-negative number.
  const nonNegative = /^\d/.test(p.answer);
  const wrong = [...new Set(p.wrong)].filter((w) => w !== p.answer && !(nonNegative && w.startsWith('-')));
  if (wrong.length === 0) wrong.push(`${p.answer}1`);
  return { ...p, wrong };
}

// ---------------------------------------------------------------- GSM8K-style word problems

const gsmApples: Template = (rng) => {
  const [name, she] = rng.pick(PEOPLE);
  const a = rng.int(5, 40);
  const b = rng.int(2, 9);
  const c = rng.int(3, 12);
  const d = rng.int(1, a + b * c - 1);
  const total = a + b * c;
  const ans = total - d;
  return {
    subject: 'Arithmetic',
    level: 1,
    text: `${name} has ${a} apples. ${cap(she)} buys ${b} bags of apples with ${c} apples in each bag, and then gives ${d} apples to ${she === 'she' ? 'her' : 'his'} neighbours. How many apples does ${name} have now?`,
    answer: `${ans}`,
    wrong: [`${a + b + c - d}`, `${total}`, `${ans - c}`],
    core: [
      { role: 'setup', text: `${name} starts with ${a} apples.` },
      {
        role: 'crux',
        text: `The bags hold $${b} \\times ${c} = ${b * c}$ apples in total.`,
        wrong: `The bags hold $${b} + ${c} = ${b + c}$ apples in total.`,
      },
      { role: 'compute', text: `After buying, ${she} has $${a} + ${b * c} = ${total}$ apples.` },
      { role: 'compute', text: `After giving ${d} away: $${total} - ${d} = ${ans}$.` },
    ],
    cruxInline: `$${b} \\times ${c} = ${b * c}$`,
    cruxDesc: `counts the apples in the bags as $${b} \\times ${c}$`,
    routineInline: `$${total} - ${d}$`,
    fillers: [`Re-reading: ${b} bags, ${c} apples in each, ${d} given away.`, `Check: $${ans} + ${d} - ${b * c} = ${a}$, the starting amount.`],
  };
};

const gsmTrain: Template = (rng) => {
  const v = 5 * rng.int(8, 24);
  const w = 5 * rng.int(6, 20);
  const t = rng.int(1, 5);
  const s = rng.int(1, 4);
  const ans = v * t + w * s;
  return {
    subject: 'Rates',
    level: 1,
    text: `A train travels at ${v} km/h for ${t} hour${t > 1 ? 's' : ''}, then slows to ${w} km/h for ${s} hour${s > 1 ? 's' : ''}. How many kilometres does it travel in total?`,
    answer: `${ans}`,
    wrong: [`${(v + w) * t}`, `${v * t}`, `${ans + w}`],
    core: [
      { role: 'setup', text: 'For each leg, distance = speed × time.' },
      {
        role: 'crux',
        text: `$$d = ${v} \\cdot ${t} + ${w} \\cdot ${s}$$`,
        wrong: `$$d = (${v} + ${w}) \\cdot ${t}$$`,
      },
      { role: 'compute', text: `First leg: $${v} \\cdot ${t} = ${v * t}$ km.` },
      { role: 'compute', text: `Second leg: $${w} \\cdot ${s} = ${w * s}$ km.` },
      { role: 'compute', text: `Total: $${v * t} + ${w * s} = ${ans}$ km.` },
    ],
    cruxInline: `$d = ${v} \\cdot ${t} + ${w} \\cdot ${s}$`,
    cruxDesc: `sets up $d = ${v} \\cdot ${t} + ${w} \\cdot ${s}$`,
    routineInline: `$${v * t} + ${w * s}$`,
    fillers: [`The two legs use different speeds, so they must be computed separately.`],
  };
};

const gsmDiscount: Template = (rng) => {
  const p = 20 * rng.int(2, 15);
  const q = rng.pick([10, 20, 25, 40, 50]);
  const r = rng.pick([5, 8, 10]);
  const sale = (p * (100 - q)) / 100;
  const cents = sale * (100 + r);
  const ans = money(cents);
  return {
    subject: 'Percent',
    level: 2,
    text: `A jacket costs \\$${p}. It is on sale for ${q}% off, and ${r === 8 ? 'an' : 'a'} ${r}% sales tax is added to the sale price. How much does the jacket cost, in dollars?`,
    answer: ans,
    wrong: [money((p - q) * (100 + r)), money(p * (100 - q + r)), `${sale}`],
    core: [
      { role: 'setup', text: `The discount is ${q}% of \\$${p}, and the tax is computed on the reduced price.` },
      {
        role: 'crux',
        text: `$$\\text{sale price} = ${p} \\cdot \\frac{${100 - q}}{100} = ${sale}$$`,
        wrong: `$$\\text{sale price} = ${p} - ${q} = ${p - q}$$`,
      },
      { role: 'compute', text: `With tax: $${sale} \\cdot 1.${String(r).padStart(2, '0')} = ${ans}$.` },
    ],
    cruxInline: `$${p} \\cdot \\frac{${100 - q}}{100} = ${sale}$`,
    cruxDesc: `computes the sale price $${p} \\cdot \\frac{${100 - q}}{100}$`,
    routineInline: `$${sale} \\cdot 1.${String(r).padStart(2, '0')}$`,
    fillers: [`The order matters: the ${r}\\% tax applies after the ${q}\\% discount.`, `Sanity check: the final price is below the original \\$${p}.`],
  };
};

const gsmWages: Template = (rng) => {
  const [name, he] = rng.pick(PEOPLE);
  const w = rng.int(12, 30);
  const h = rng.int(4, 9);
  const d = rng.int(3, 6);
  const k = rng.int(2, 6);
  const ans = w * h * d * k;
  return {
    subject: 'Arithmetic',
    level: 1,
    text: `${name} earns \\$${w} per hour. ${cap(he)} works ${h} hours a day, ${d} days a week. How many dollars does ${name} earn in ${k} weeks?`,
    answer: `${ans}`,
    wrong: [`${w * h * d}`, `${w * h * k}`, `${ans + w * h}`],
    core: [
      { role: 'setup', text: `Hours per week: $${h} \\times ${d} = ${h * d}$.` },
      {
        role: 'crux',
        text: `$$\\text{earnings} = ${w} \\times ${h * d} \\times ${k}$$`,
        wrong: `$$\\text{earnings} = ${w} \\times ${h} \\times ${k}$$`,
      },
      { role: 'compute', text: `Per week: $${w} \\times ${h * d} = ${w * h * d}$ dollars.` },
      { role: 'compute', text: `Over ${k} weeks: $${w * h * d} \\times ${k} = ${ans}$.` },
    ],
    cruxInline: `$${w} \\times ${h * d} \\times ${k}$`,
    cruxDesc: `sets up the earnings as $${w} \\times ${h * d} \\times ${k}$`,
    routineInline: `$${w * h * d} \\times ${k}$`,
    fillers: [`Units: dollars per hour × hours per week × weeks gives dollars.`],
  };
};

const gsmAges: Template = (rng) => {
  const [n1] = rng.pick(PEOPLE.slice(0, 6));
  const [n2] = rng.pick(PEOPLE.slice(6));
  const x = rng.int(4, 15);
  const k = rng.int(2, 4);
  const y = rng.int(2, 10);
  const S = (k + 1) * x + 2 * y;
  return {
    subject: 'Algebra',
    level: 2,
    text: `${n1} is ${k} times as old as ${n2}. In ${y} years, the sum of their ages will be ${S}. How old is ${n2} now?`,
    answer: `${x}`,
    wrong: [`${k * x}`, `${Math.round((S - y) / (k + 1))}`, `${x + 1}`],
    core: [
      { role: 'setup', text: `Let $x$ be ${n2}'s age now, so ${n1} is $${k}x$.` },
      {
        role: 'crux',
        text: `In ${y} years: $$(${k}x + ${y}) + (x + ${y}) = ${S}$$`,
        wrong: `In ${y} years: $$${k}x + x + ${y} = ${S}$$`,
      },
      { role: 'compute', text: `Simplify: $${k + 1}x + ${2 * y} = ${S}$, so $${k + 1}x = ${S - 2 * y}$.` },
      { role: 'compute', text: `$x = ${x}$.` },
      { role: 'check', text: `Check: ${n1} is ${k * x} now, and $${k * x + y} + ${x + y} = ${S}$. ✓` },
    ],
    cruxInline: `$(${k}x + ${y}) + (x + ${y}) = ${S}$`,
    cruxDesc: `sets up $(${k}x + ${y}) + (x + ${y}) = ${S}$`,
    routineInline: `$${k + 1}x = ${S - 2 * y}$`,
    fillers: [`Both ages grow by ${y} years, so the sum grows by ${2 * y}.`],
  };
};

const gsmBoxes: Template = (rng) => {
  const b = rng.int(6, 24);
  let n = rng.int(50, 500);
  if (n % b === 0) n += rng.int(1, b - 1);
  const full = Math.floor(n / b);
  const rem = n % b;
  return {
    subject: 'Division',
    level: 1,
    text: `A bakery makes ${n} cookies and packs them into boxes of ${b}. How many cookies are left over after filling as many boxes as possible?`,
    answer: `${rem}`,
    wrong: [`${full}`, `${b - rem}`, `${rem + 1}`],
    core: [
      { role: 'setup', text: `We need the remainder of ${n} divided by ${b}.` },
      {
        role: 'crux',
        text: `$$${n} = ${b} \\cdot ${full} + ${rem}$$`,
        wrong: `$$${n} = ${b} \\cdot ${full + 1} - ${b - rem}$$`,
      },
      { role: 'compute', text: `$${b} \\cdot ${full} = ${b * full}$, and $${n} - ${b * full} = ${rem}$.` },
    ],
    cruxInline: `$${n} = ${b} \\cdot ${full} + ${rem}$`,
    cruxDesc: `writes $${n} = ${b} \\cdot ${full} + ${rem}$`,
    routineInline: `$${n} - ${b * full}$`,
    fillers: [`The question asks for the leftover cookies, not the number of boxes.`],
  };
};

const gsmClubs: Template = (rng) => {
  const [a, b] = rng.pick([
    [1, 2],
    [1, 3],
    [2, 3],
    [1, 4],
    [3, 4],
    [2, 5],
    [3, 5],
  ] as const);
  const [c, d] = rng.pick([
    [1, 2],
    [1, 3],
    [2, 3],
    [1, 4],
    [3, 4],
  ] as const);
  const m = rng.int(Math.ceil(16 / (b * d)), Math.ceil(60 / (b * d)));
  const n = b * d * m;
  const soccer = (n * a) / b;
  const rest = n - soccer;
  const chess = (rest * c) / d;
  return {
    subject: 'Fractions',
    level: 2,
    text: `A class has ${n} students. $\\frac{${a}}{${b}}$ of them play soccer, and $\\frac{${c}}{${d}}$ of the remaining students play chess. How many students play chess?`,
    answer: `${chess}`,
    wrong: [`${Math.round((n * c) / d)}`, `${soccer}`, `${rest}`],
    core: [
      { role: 'setup', text: `Soccer players: $\\frac{${a}}{${b}} \\cdot ${n} = ${soccer}$.` },
      {
        role: 'crux',
        text: `The rest is $${n} - ${soccer} = ${rest}$ students, and the chess fraction applies to them, not to all ${n}.`,
        wrong: `The chess fraction applies to the whole class: $\\frac{${c}}{${d}} \\cdot ${n}$.`,
      },
      { role: 'compute', text: `Chess players: $\\frac{${c}}{${d}} \\cdot ${rest} = ${chess}$.` },
    ],
    cruxInline: `$${n} - ${soccer} = ${rest}$`,
    cruxDesc: `applies $\\frac{${c}}{${d}}$ to the remaining ${rest} students`,
    routineInline: `$\\frac{${c}}{${d}} \\cdot ${rest}$`,
    fillers: [`"Remaining" means the students who do not play soccer.`],
  };
};

const gsmReading: Template = (rng) => {
  const [name, she] = rng.pick(PEOPLE);
  const N = 10 * rng.int(12, 60);
  const r = rng.int(10, Math.floor(N / 2));
  const p = rng.int(8, 40);
  const left = N - r;
  const ans = Math.ceil(left / p);
  const exact = left % p === 0;
  return {
    subject: 'Division',
    level: exact ? 1 : 2,
    text: `${name} is reading a ${N}-page book and has already read ${r} pages. If ${she} reads ${p} pages a day, how many more days will it take ${name} to finish the book?`,
    answer: `${ans}`,
    wrong: [`${Math.floor(left / p)}`, `${ans + 1}`, `${Math.ceil(N / p)}`],
    core: [
      { role: 'setup', text: `Pages left: $${N} - ${r} = ${left}$.` },
      {
        role: 'crux',
        text: `$$\\text{days} = \\left\\lceil \\frac{${left}}{${p}} \\right\\rceil$$`,
        wrong: `$$\\text{days} = \\left\\lfloor \\frac{${left}}{${p}} \\right\\rfloor$$`,
      },
      {
        role: 'compute',
        text: exact
          ? `$\\frac{${left}}{${p}} = ${ans}$ exactly.`
          : `$\\frac{${left}}{${p}} \\approx ${(left / p).toFixed(2)}$, so the last day is a partial one: ${ans} days.`,
      },
    ],
    cruxInline: `$\\left\\lceil \\frac{${left}}{${p}} \\right\\rceil$`,
    cruxDesc: `rounds $\\frac{${left}}{${p}}$ up to whole days`,
    routineInline: `$${N} - ${r}$`,
    fillers: [`A partially read day still counts as a day.`],
  };
};

// ---------------------------------------------------------------- MATH-style problems

const mathLinear: Template = (rng) => {
  const x = rng.int(-9, 12);
  const c = rng.int(2, 6);
  let a = rng.int(2, 9);
  if (a === c) a += 1;
  const d = rng.int(1, 9);
  const b = c * (x - d) - a * x;
  const lhs = lin(a, b);
  const k = a - c;
  const rhsConst = -c * d - b;
  return {
    subject: 'Algebra',
    level: 2,
    text: `Solve for $x$: $${lhs} = ${c}(x - ${d})$.`,
    answer: `${x}`,
    wrong: [`${x + 1}`, `${-x}`, `${Math.round(rhsConst / (a + c))}`],
    core: [
      { role: 'setup', text: `We want all $x$ terms on one side.` },
      {
        role: 'crux',
        text: `Expanding the right-hand side: $$${lhs} = ${c}x - ${c * d}$$`,
        wrong: `Expanding the right-hand side: $$${lhs} = ${c}x - ${d}$$`,
      },
      ...(k === 1
        ? [{ role: 'compute' as const, text: `Collect the $x$ terms: $x = ${x}$.` }]
        : [
            { role: 'compute' as const, text: `Collect the $x$ terms: $${coefTerm(k, 'x')} = ${rhsConst}$.` },
            { role: 'compute' as const, text: `Divide by $${k}$: $x = ${x}$.` },
          ]),
      { role: 'check', text: `Check: the left side is $${a * x + b}$ and the right side is $${c}(${x} - ${d}) = ${c * (x - d)}$. ✓` },
    ],
    cruxInline: `$${lhs} = ${c}x - ${c * d}$`,
    cruxDesc: `expands $${c}(x - ${d})$ into $${c}x - ${c * d}$`,
    routineInline: `$${coefTerm(k, 'x')} = ${rhsConst}$`,
    fillers: [`Distributing $${c}$ over $(x - ${d})$ must multiply both terms.`],
  };
};

const mathVieta: Template = (rng) => {
  const r1 = rng.int(-6, 9);
  let r2 = rng.int(-6, 9);
  if (r2 === r1) r2 += 1;
  const s = r1 + r2;
  const p = r1 * r2;
  const poly = `x^2${s === 0 ? '' : s > 0 ? ` - ${coefTerm(s, 'x')}` : ` + ${coefTerm(-s, 'x')}`}${signed(p)}`;
  const ans = s * s - 2 * p;
  return {
    subject: 'Algebra',
    level: 3,
    text: `What is the sum of the squares of the roots of $${poly} = 0$?`,
    answer: `${ans}`,
    wrong: [`${s * s}`, `${s * s + 2 * p}`, `${ans + 2}`],
    core: [
      {
        role: 'setup',
        text: `Let the roots be $r_1$ and $r_2$. By Vieta's formulas, $r_1 + r_2 = ${s}$ and $r_1 r_2 = ${p}$.`,
      },
      {
        role: 'crux',
        text: `$$r_1^2 + r_2^2 = (r_1 + r_2)^2 - 2r_1 r_2$$`,
        wrong: `$$r_1^2 + r_2^2 = (r_1 + r_2)^2$$`,
      },
      { role: 'compute', text: `$$${par(s)}^2 - 2 \\cdot ${par(p)} = ${ans}$$` },
      { role: 'check', text: `Check with the roots $${r1}$ and $${r2}$: $${par(r1)}^2 + ${par(r2)}^2 = ${r1 * r1 + r2 * r2}$. ✓` },
    ],
    cruxInline: `$r_1^2 + r_2^2 = (r_1 + r_2)^2 - 2r_1 r_2$`,
    cruxDesc: `rewrites $r_1^2 + r_2^2$ as $(r_1 + r_2)^2 - 2r_1 r_2$`,
    routineInline: `$${par(s)}^2 - 2 \\cdot ${par(p)}$`,
    fillers: [`We never need the roots themselves, only their sum and product.`],
  };
};

const mathModPow: Template = (rng) => {
  const m = rng.pick([5, 7, 9, 11, 13]);
  let a = rng.int(2, 9);
  while (gcd(a, m) !== 1 || a % m === 1) a = (a % 9) + 2;
  const n = rng.int(20, 200);
  let order = 1;
  while (modPow(a, order, m) !== 1) order++;
  const e = n % order;
  const ans = modPow(a, e, m);
  const powers = [];
  for (let i = 1; i <= Math.min(order, 6); i++) powers.push(`${a}^{${i}} \\equiv ${modPow(a, i, m)}`);
  return {
    subject: 'Number Theory',
    level: 3,
    text: `What is the remainder when $${a}^{${n}}$ is divided by $${m}$?`,
    answer: `${ans}`,
    wrong: [`${(ans + 1) % m}`, `${modPow(a, n % (order + 1), m)}`, `${m - ans}`],
    core: [
      { role: 'setup', text: `Small powers of $${a}$ modulo $${m}$: $${powers.join(',\\ ')}$.` },
      {
        role: 'crux',
        text: `The powers repeat with period $${order}$, since $${a}^{${order}} \\equiv 1 \\pmod{${m}}$.`,
        wrong: `The powers repeat with period $${order + 1}$.`,
      },
      {
        role: 'compute',
        text: `$${n} = ${order} \\cdot ${Math.floor(n / order)} + ${e}$, so $${a}^{${n}} \\equiv ${a}^{${e}} \\pmod{${m}}$.`,
      },
      { role: 'compute', text: `$${a}^{${e}} \\equiv ${ans} \\pmod{${m}}$.` },
    ],
    cruxInline: `$${a}^{${order}} \\equiv 1 \\pmod{${m}}$`,
    cruxDesc: `finds the period $${a}^{${order}} \\equiv 1 \\pmod{${m}}$`,
    routineInline: `$${n} = ${order} \\cdot ${Math.floor(n / order)} + ${e}$`,
    fillers: [`Reducing the exponent modulo the period is valid because $\\gcd(${a}, ${m}) = 1$.`],
  };
};

const mathLcm: Template = (rng) => {
  const smooth = [12, 15, 18, 20, 24, 28, 30, 36, 40, 42, 45, 48, 54, 56, 60, 63, 72, 75, 84, 90, 96, 105, 108, 120, 126, 135, 140, 150, 168, 180];
  const [a, b] = rng.sample(smooth, 2) as [number, number];
  const g = gcd(a, b);
  const l = (a * b) / g;
  return {
    subject: 'Number Theory',
    level: 2,
    text: `What is the least common multiple of $${a}$ and $${b}$?`,
    answer: `${l}`,
    wrong: [`${a * b}`, `${g}`, `${l * 2}`],
    core: [
      { role: 'setup', text: `Factor both numbers: $${a} = ${factorTex(a)}$ and $${b} = ${factorTex(b)}$.` },
      {
        role: 'crux',
        text: `The LCM takes each prime to its highest power: $$\\operatorname{lcm}(${a}, ${b}) = ${factorTex(l)}$$`,
        wrong: `The LCM is the product: $$\\operatorname{lcm}(${a}, ${b}) = ${a} \\cdot ${b}$$`,
      },
      { role: 'compute', text: `$${factorTex(l)} = ${l}$.` },
      { role: 'check', text: `Check: $\\gcd(${a}, ${b}) = ${g}$ and $\\frac{${a} \\cdot ${b}}{${g}} = ${l}$. ✓` },
    ],
    cruxInline: `$\\operatorname{lcm}(${a}, ${b}) = ${factorTex(l)}$`,
    cruxDesc: `takes each prime to its highest power`,
    routineInline: `$${factorTex(l)} = ${l}$`,
    fillers: [`Both factorizations only involve small primes, so this is quick.`],
  };
};

const mathPythagoras: Template = (rng) => {
  const [p, q, r] = rng.pick([
    [3, 4, 5],
    [5, 12, 13],
    [8, 15, 17],
    [7, 24, 25],
    [20, 21, 29],
  ] as const);
  const k = rng.int(1, 4);
  const [a, b, c] = [p * k, q * k, r * k];
  return {
    subject: 'Geometry',
    level: 1,
    text: `In right triangle $ABC$ with $\\angle C = 90^\\circ$, we have $AC = ${a}$ and $BC = ${b}$. What is $AB$?`,
    answer: `${c}`,
    wrong: [`${a + b}`, `${c * c}`, `${c + 1}`],
    core: [
      { role: 'setup', text: `$AB$ is the hypotenuse, opposite the right angle at $C$.` },
      {
        role: 'crux',
        text: `By the Pythagorean theorem, $$AB^2 = AC^2 + BC^2 = ${a * a} + ${b * b} = ${c * c}$$`,
        wrong: `$$AB = AC + BC = ${a + b}$$`,
      },
      { role: 'compute', text: `$AB = \\sqrt{${c * c}} = ${c}$.` },
    ],
    cruxInline: `$AB^2 = AC^2 + BC^2$`,
    cruxDesc: `applies $AB^2 = AC^2 + BC^2$`,
    routineInline: `$${a * a} + ${b * b}$`,
    fillers: [`The sides are a multiple of the $${p}$-$${q}$-$${r}$ triple.`],
  };
};

const mathSeating: Template = (rng) => {
  const n = rng.int(4, 7);
  const f = factorial(n - 1);
  const ans = 2 * f;
  return {
    subject: 'Counting & Probability',
    level: 3,
    text: `In how many ways can ${n} people sit in a row of ${n} chairs if two of them, Alice and Bob, insist on sitting next to each other?`,
    answer: `${ans}`,
    wrong: [`${f}`, `${factorial(n)}`, `${factorial(n) - ans}`],
    core: [
      { role: 'setup', text: `Glue Alice and Bob into one block.` },
      {
        role: 'crux',
        text: `There are ${n - 1} units to arrange, and the block has 2 internal orders: $$(${n} - 1)! \\cdot 2!$$`,
        wrong: `There are ${n - 1} units to arrange: $$(${n} - 1)!$$`,
      },
      { role: 'compute', text: `$${n - 1}! = ${f}$ and $${f} \\cdot 2 = ${ans}$.` },
    ],
    cruxInline: `$(${n} - 1)! \\cdot 2!$`,
    cruxDesc: `counts the block arrangements as $(${n} - 1)! \\cdot 2!$`,
    routineInline: `$${n - 1}! = ${f}$`,
    fillers: [`Alice–Bob and Bob–Alice are different seatings.`],
  };
};

const mathDice: Template = (rng) => {
  const s = rng.int(3, 11);
  const ways = 6 - Math.abs(s - 7);
  const pairs: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const j = s - i;
    if (j >= 1 && j <= 6) pairs.push(`(${i},${j})`);
  }
  const ans = fracTex(ways, 36);
  return {
    subject: 'Counting & Probability',
    level: 2,
    text: `Two fair 6-sided dice are rolled. What is the probability that the sum of the numbers rolled is ${s}? Express your answer as a common fraction.`,
    answer: ans,
    wrong: [fracTex(ways, 11), fracTex(ways - 1, 36), fracTex(ways + 1, 36)],
    core: [
      { role: 'setup', text: `There are $6 \\cdot 6 = 36$ equally likely outcomes.` },
      {
        role: 'crux',
        text: `The ordered pairs with sum ${s} are $${pairs.join(', ')}$: ${ways} outcomes.`,
        wrong: `The pairs with sum ${s}, ignoring order, give ${Math.ceil(ways / 2)} outcome${Math.ceil(ways / 2) === 1 ? '' : 's'}.`,
      },
      { role: 'compute', text: ans === `\\frac{${ways}}{36}` ? `$$P = ${ans}$$` : `$$P = \\frac{${ways}}{36} = ${ans}$$` },
    ],
    cruxInline: `$${ways}$ of the $36$ outcomes`,
    cruxDesc: `counts the ${ways} ordered pairs with sum ${s}`,
    routineInline: `$6 \\cdot 6 = 36$`,
    fillers: [`Order matters: $(1,2)$ and $(2,1)$ are different outcomes.`],
  };
};

const mathMultiples: Template = (rng) => {
  const k = rng.int(3, 13);
  const N = rng.int(50, 400);
  const m = Math.floor((N - 1) / k);
  const tri = (m * (m + 1)) / 2;
  const ans = k * tri;
  return {
    subject: 'Number Theory',
    level: 3,
    text: `What is the sum of all positive multiples of $${k}$ that are less than $${N}$?`,
    answer: `${ans}`,
    wrong: [`${(k * m * (m - 1)) / 2}`, `${ans + k * (m + 1)}`, `${tri}`],
    core: [
      {
        role: 'setup',
        text: `The multiples are $${k}, ${2 * k}, \\ldots, ${k * m}$, since $${k} \\cdot ${m} = ${k * m} < ${N} \\le ${k * (m + 1)}$.`,
      },
      {
        role: 'crux',
        text: `$$\\sum_{j=1}^{${m}} ${k}j = ${k} \\cdot \\frac{${m} \\cdot ${m + 1}}{2}$$`,
        wrong: `$$\\sum_{j=1}^{${m}} ${k}j = ${k} \\cdot \\frac{${m} \\cdot ${m - 1}}{2}$$`,
      },
      { role: 'compute', text: `$\\frac{${m} \\cdot ${m + 1}}{2} = ${tri}$, and $${k} \\cdot ${tri} = ${ans}$.` },
    ],
    cruxInline: `$${k} \\cdot \\frac{${m} \\cdot ${m + 1}}{2}$`,
    cruxDesc: `factors out $${k}$ and sums $1 + \\cdots + ${m}$`,
    routineInline: `$${k} \\cdot ${tri}$`,
    fillers: [`"Less than $${N}$" excludes $${N}$ itself.`],
  };
};

const mathCompose: Template = (rng) => {
  const a = rng.int(1, 4);
  const b = rng.int(-9, 9);
  const c = rng.int(2, 5);
  const d = rng.int(1, 9);
  const e = rng.int(-3, 5);
  const ge = c * e - d;
  const ans = a * ge * ge + b;
  const fe = a * e * e + b;
  return {
    subject: 'Algebra',
    level: 2,
    text: `If $f(x) = ${coefTerm(a, 'x^2')}${signed(b)}$ and $g(x) = ${c}x - ${d}$, what is $f(g(${e}))$?`,
    answer: `${ans}`,
    wrong: [`${c * fe - d}`, `${a * ge + b}`, `${a * (c * e + d) ** 2 + b}`],
    core: [
      { role: 'setup', text: `Work from the inside out: first $g(${e})$, then $f$ of that.` },
      {
        role: 'crux',
        text: `$$g(${e}) = ${c} \\cdot ${par(e)} - ${d} = ${ge}$$`,
        wrong: `$$g(${e}) = ${c} \\cdot ${par(e)} + ${d} = ${c * e + d}$$`,
      },
      { role: 'compute', text: `$$f(${ge}) = ${a === 1 ? '' : a}(${ge})^2${signed(b)} = ${ans}$$` },
    ],
    cruxInline: `$g(${e}) = ${ge}$`,
    cruxDesc: `evaluates the inner function, $g(${e}) = ${ge}$`,
    routineInline: `$${par(ge)}^2 = ${ge * ge}$`,
    fillers: [`$f(g(x))$ is not $g(f(x))$; the order matters.`],
  };
};

const TRIG_VALUES: Record<'sin' | 'cos', Record<number, string>> = {
  sin: { 30: '\\frac{1}{2}', 45: '\\frac{\\sqrt{2}}{2}', 60: '\\frac{\\sqrt{3}}{2}' },
  cos: { 30: '\\frac{\\sqrt{3}}{2}', 45: '\\frac{\\sqrt{2}}{2}', 60: '\\frac{1}{2}' },
};

const mathTrig: Template = (rng) => {
  const theta = rng.pick([120, 135, 150, 210, 225, 240, 300, 315, 330]);
  const fn = rng.pick(['sin', 'cos'] as const);
  const quadrant = Math.floor(theta / 90) + 1;
  const ref = quadrant === 2 ? 180 - theta : quadrant === 3 ? theta - 180 : 360 - theta;
  const positive = fn === 'sin' ? quadrant <= 2 : quadrant === 1 || quadrant === 4;
  const value = TRIG_VALUES[fn][ref] ?? '0';
  const ans = positive ? value : `-${value}`;
  const other = TRIG_VALUES[fn === 'sin' ? 'cos' : 'sin'][ref] ?? '0';
  const roman = ['I', 'II', 'III', 'IV'][quadrant - 1] ?? 'I';
  return {
    subject: 'Precalculus',
    level: 2,
    text: `Compute $\\${fn} ${theta}^\\circ$.`,
    answer: ans,
    wrong: [positive ? `-${value}` : value, positive ? other : `-${other}`],
    core: [
      { role: 'setup', text: `The angle $${theta}^\\circ$ lies in quadrant ${roman}.` },
      {
        role: 'crux',
        text: `Its reference angle is $${ref}^\\circ$, and $\\${fn}$ is ${positive ? 'positive' : 'negative'} there: $$\\${fn} ${theta}^\\circ = ${positive ? '' : '-'}\\${fn} ${ref}^\\circ$$`,
        wrong: `Its reference angle is $${ref}^\\circ$: $$\\${fn} ${theta}^\\circ = ${positive ? '-' : ''}\\${fn} ${ref}^\\circ$$`,
      },
      { role: 'compute', text: `$\\${fn} ${ref}^\\circ = ${value}$.` },
    ],
    cruxInline: `$\\${fn} ${theta}^\\circ = ${positive ? '' : '-'}\\${fn} ${ref}^\\circ$`,
    cruxDesc: `reduces to the reference angle with the right sign`,
    routineInline: `$\\${fn} ${ref}^\\circ = ${value}$`,
    fillers: [`In quadrant ${roman}, ${fn === 'sin' ? 'the $y$' : 'the $x$'}-coordinate on the unit circle is ${positive ? 'positive' : 'negative'}.`],
  };
};

const mathDiffSquares: Template = (rng) => {
  const s = rng.int(3, 30);
  const d = rng.int(1, s - 1);
  const ans = s * d;
  return {
    subject: 'Algebra',
    level: 1,
    text: `If $x + y = ${s}$ and $x - y = ${d}$, what is the value of $x^2 - y^2$?`,
    answer: `${ans}`,
    wrong: [`${d * d}`, `${s * s - d * d}`, `${s + d}`],
    core: [
      { role: 'setup', text: `We do not need $x$ and $y$ individually.` },
      {
        role: 'crux',
        text: `Factor: $$x^2 - y^2 = (x + y)(x - y)$$`,
        wrong: `$$x^2 - y^2 = (x - y)^2$$`,
      },
      { role: 'compute', text: `$$(x + y)(x - y) = ${s} \\cdot ${d} = ${ans}$$` },
    ],
    cruxInline: `$x^2 - y^2 = (x + y)(x - y)$`,
    cruxDesc: `factors $x^2 - y^2 = (x + y)(x - y)$`,
    routineInline: `$${s} \\cdot ${d}$`,
    fillers: [`We could also solve: $x = ${(s + d) / 2}$, $y = ${(s - d) / 2}$, but the factorization is faster.`],
  };
};

const mathInequality: Template = (rng) => {
  const k = rng.int(2, 5);
  const b = rng.int(-12, 12);
  const a = rng.int(-20, 20);
  const c = a + rng.int(k * 2, k * 12);
  const lo = Math.floor((a - b) / k) + 1;
  const hi = Math.floor((c - b) / k);
  const ans = hi - lo + 1;
  return {
    subject: 'Prealgebra',
    level: 2,
    text: `How many integers $n$ satisfy $${a} < ${lin(k, b, 'n')} \\le ${c}$?`,
    answer: `${ans}`,
    wrong: [`${ans + 1}`, `${ans - 1}`, `${c - a}`],
    core: [
      {
        role: 'setup',
        text: `${b > 0 ? `Subtract $${b}$ throughout` : b < 0 ? `Add $${-b}$ throughout` : 'There is no constant term to move'}: $${a - b} < ${k}n \\le ${c - b}$.`,
      },
      {
        role: 'crux',
        text: `Divide by $${k}$: $$${fracTex(a - b, k)} < n \\le ${fracTex(c - b, k)}$$`,
        wrong: `Divide by $${k}$: $$${fracTex(a - b, k)} \\le n \\le ${fracTex(c - b, k)}$$`,
      },
      { role: 'compute', text: `So $n$ runs from $${lo}$ to $${hi}$: $${hi} - ${par(lo)} + 1 = ${ans}$ integers.` },
    ],
    cruxInline: `$${fracTex(a - b, k)} < n \\le ${fracTex(c - b, k)}$`,
    cruxDesc: `isolates $n$ and keeps the strict inequality strict`,
    routineInline: `$${hi} - ${par(lo)} + 1$`,
    fillers: [`The left inequality is strict and the right one is not; the endpoints need care.`],
  };
};

const mathLog: Template = (rng) => {
  const base = rng.pick([2, 3, 5]);
  const k = rng.int(2, base === 2 ? 9 : base === 3 ? 5 : 4);
  const a = rng.int(1, 20);
  const pw = base ** k;
  const ans = pw - a;
  return {
    subject: 'Algebra',
    level: 2,
    text: `Find $x$ if $\\log_{${base}}(x + ${a}) = ${k}$.`,
    answer: `${ans}`,
    wrong: [`${k ** base - a}`, `${pw + a}`, `${base * k - a}`],
    core: [
      {
        role: 'crux',
        text: `Rewrite in exponential form: $$x + ${a} = ${base}^{${k}}$$`,
        wrong: `Rewrite in exponential form: $$x + ${a} = ${k}^{${base}}$$`,
      },
      { role: 'compute', text: `$${base}^{${k}} = ${pw}$, so $x = ${pw} - ${a} = ${ans}$.` },
      { role: 'check', text: `Check: $\\log_{${base}} ${pw} = ${k}$. ✓` },
    ],
    cruxInline: `$x + ${a} = ${base}^{${k}}$`,
    cruxDesc: `rewrites the logarithm as $x + ${a} = ${base}^{${k}}$`,
    routineInline: `$${pw} - ${a}$`,
    fillers: [`The argument $x + ${a} = ${pw}$ is positive, so the logarithm is defined.`],
  };
};

const mathComplex: Template = (rng) => {
  const a = rng.int(1, 9);
  const b = rng.int(1, 9);
  const ans = a * a + b * b;
  const re = a * a - b * b;
  return {
    subject: 'Intermediate Algebra',
    level: 3,
    text: `Compute $|(${a} + ${coefTerm(b, 'i')})^2|$.`,
    answer: `${ans}`,
    wrong: [`${(a + b) ** 2}`, `${Math.abs(re)}`, `${ans * ans}`],
    core: [
      { role: 'setup', text: `Use $|z^2| = |z|^2$.` },
      {
        role: 'crux',
        text: `$$|${a} + ${coefTerm(b, 'i')}|^2 = ${a}^2 + ${b}^2$$`,
        wrong: `$$|${a} + ${coefTerm(b, 'i')}|^2 = (${a} + ${b})^2$$`,
      },
      { role: 'compute', text: `$${a * a} + ${b * b} = ${ans}$.` },
      {
        role: 'check',
        text: `Directly: $(${a} + ${coefTerm(b, 'i')})^2 = ${re === 0 ? '' : re}${re === 0 ? `${2 * a * b}` : signed(2 * a * b)}i$, and $\\sqrt{${par(re)}^2 + ${2 * a * b}^2} = ${ans}$. ✓`,
      },
    ],
    cruxInline: `$|${a} + ${coefTerm(b, 'i')}|^2 = ${a}^2 + ${b}^2$`,
    cruxDesc: `uses $|z^2| = |z|^2 = ${a}^2 + ${b}^2$`,
    routineInline: `$${a * a} + ${b * b}$`,
    fillers: [`Expanding the square first also works but takes longer.`],
  };
};

// ---------------------------------------------------------------- AIME-style problems

const aimeDivisors: Template = (rng) => {
  const a = rng.int(5, 31);
  const b = rng.int(3, 19);
  const d2 = (2 * a + 1) * (2 * b + 1);
  const half = (d2 - 1) / 2;
  const d1 = (a + 1) * (b + 1);
  const ans = a * b;
  return {
    subject: 'Number Theory',
    level: 5,
    text: `Let $n = 2^{${a}} 3^{${b}}$. How many positive integer divisors of $n^2$ are less than $n$ but do not divide $n$?`,
    answer: `${ans}`,
    wrong: [`${half}`, `${d2 - d1}`, `${ans + a + b}`],
    core: [
      { role: 'setup', text: `$n^2 = 2^{${2 * a}} 3^{${2 * b}}$ has $(${2 * a + 1})(${2 * b + 1}) = ${d2}$ divisors.` },
      {
        role: 'crux',
        text: `Divisors of $n^2$ pair up as $(d, n^2/d)$ with exactly one member below $n$, except $d = n$: $$\\#\\{d \\mid n^2 : d < n\\} = \\frac{${d2} - 1}{2} = ${half}$$`,
        wrong: `Half of the divisors of $n^2$ are below $n$: $$\\frac{${d2}}{2} \\approx ${Math.round(d2 / 2)}$$`,
      },
      { role: 'compute', text: `$n$ has $(${a + 1})(${b + 1}) = ${d1}$ divisors, of which $${d1 - 1}$ are less than $n$.` },
      { role: 'compute', text: `$${half} - ${d1 - 1} = ${ans}$.` },
    ],
    cruxInline: `$\\frac{${d2} - 1}{2} = ${half}$`,
    cruxDesc: `pairs the divisors $d \\leftrightarrow n^2/d$`,
    routineInline: `$${half} - ${d1 - 1}$`,
    fillers: [`Every divisor of $n$ is also a divisor of $n^2$, so subtracting is valid.`],
  };
};

const aimeCubes: Template = (rng) => {
  const N = rng.int(100, 2000);
  const T = (N * (N + 1)) / 2;
  const t = T % 1000;
  const ans = (t * t) % 1000;
  return {
    subject: 'Number Theory',
    level: 5,
    text: `Find the remainder when $$\\sum_{k=1}^{${N}} k^3$$ is divided by $1000$.`,
    answer: `${ans}`,
    wrong: [`${(ans + 500) % 1000}`, `${t}`, `${(T * 2) % 1000}`],
    core: [
      { role: 'setup', text: `Use the closed form for a sum of cubes.` },
      {
        role: 'crux',
        text: `$$\\sum_{k=1}^{${N}} k^3 = \\left(\\frac{${N} \\cdot ${N + 1}}{2}\\right)^2 = ${T}^2$$`,
        wrong: `$$\\sum_{k=1}^{${N}} k^3 = \\frac{${N}^2 (${N} + 1)^2}{2}$$`,
      },
      { role: 'compute', text: `$${T} \\equiv ${t} \\pmod{1000}$, so we need $${t}^2 \\bmod 1000$.` },
      { role: 'compute', text: `$${t}^2 = ${t * t} \\equiv ${ans} \\pmod{1000}$.` },
    ],
    cruxInline: `$\\sum k^3 = \\left(\\frac{N(N+1)}{2}\\right)^2$`,
    cruxDesc: `uses $\\sum k^3 = \\left(\\frac{N(N+1)}{2}\\right)^2$`,
    routineInline: `$${t}^2 \\bmod 1000$`,
    fillers: [`Only the last three digits matter, so reduce before squaring.`],
  };
};

const aimeCrt: Template = (rng) => {
  const n = rng.int(12, 1000);
  const [r7, r11, r13] = [n % 7, n % 11, n % 13];
  const m77 = n % 77;
  const t = (n - m77) / 77;
  return {
    subject: 'Number Theory',
    level: 5,
    text: `Find the least positive integer $n$ such that $n \\equiv ${r7} \\pmod{7}$, $n \\equiv ${r11} \\pmod{11}$, and $n \\equiv ${r13} \\pmod{13}$.`,
    answer: `${n}`,
    wrong: [`${(n + 77) % 1001}`, `${m77}`, `${1001 - n}`],
    core: [
      { role: 'setup', text: `The moduli are pairwise coprime with product $7 \\cdot 11 \\cdot 13 = 1001$.` },
      {
        role: 'crux',
        text: `By the Chinese Remainder Theorem there is exactly one solution modulo $1001$. The first two congruences combine to $$n \\equiv ${m77} \\pmod{77}$$`,
        wrong: `The first two congruences combine to $$n \\equiv ${(m77 + 7) % 77} \\pmod{77}$$`,
      },
      { role: 'compute', text: `Write $n = ${m77} + 77t$; then $${m77} + 77t \\equiv ${r13} \\pmod{13}$ gives $t \\equiv ${t} \\pmod{13}$.` },
      { role: 'compute', text: `$n = ${m77} + 77 \\cdot ${t} = ${n}$.` },
      { role: 'check', text: `Check: $${n} \\bmod 7 = ${r7}$, $${n} \\bmod 11 = ${r11}$, $${n} \\bmod 13 = ${r13}$. ✓` },
    ],
    cruxInline: `$n \\equiv ${m77} \\pmod{77}$`,
    cruxDesc: `combines the congruences modulo $77$`,
    routineInline: `$${m77} + 77 \\cdot ${t}$`,
    fillers: [`Any solution plus a multiple of $1001$ is another solution, so the least one is below $1001$.`],
  };
};

const HERONIAN: readonly (readonly [number, number, number, number])[] = [
  [13, 14, 15, 84],
  [5, 5, 6, 12],
  [5, 5, 8, 12],
  [10, 13, 13, 60],
  [9, 10, 17, 36],
  [13, 20, 21, 126],
  [7, 15, 20, 42],
  [11, 13, 20, 66],
  [17, 25, 28, 210],
];

const aimeHeron: Template = (rng) => {
  const [p, q, r, area] = rng.pick(HERONIAN);
  const k = area * 4 > 999 ? 1 : rng.int(1, 2);
  const [a, b, c] = [p * k, q * k, r * k];
  const s = (a + b + c) / 2;
  const ans = area * k * k;
  return {
    subject: 'Geometry',
    level: 5,
    text: `Triangle $ABC$ has side lengths $AB = ${a}$, $BC = ${b}$, and $CA = ${c}$. Find the area of triangle $ABC$.`,
    answer: `${ans}`,
    wrong: [`${ans * 2}`, `${Math.round((a * b) / 2)}`, `${ans + s}`],
    core: [
      { role: 'setup', text: `The semiperimeter is $s = \\frac{${a} + ${b} + ${c}}{2} = ${s}$.` },
      {
        role: 'crux',
        text: `By Heron's formula, $$[ABC] = \\sqrt{s(s-a)(s-b)(s-c)} = \\sqrt{${s} \\cdot ${s - a} \\cdot ${s - b} \\cdot ${s - c}}$$`,
        wrong: `Treat it as a right triangle: $$[ABC] = \\frac{${a} \\cdot ${b}}{2}$$`,
      },
      { role: 'compute', text: `$${s} \\cdot ${s - a} \\cdot ${s - b} \\cdot ${s - c} = ${ans * ans}$.` },
      { role: 'compute', text: `$\\sqrt{${ans * ans}} = ${ans}$.` },
    ],
    cruxInline: `$\\sqrt{s(s-a)(s-b)(s-c)}$`,
    cruxDesc: `applies Heron's formula with $s = ${s}$`,
    routineInline: `$\\sqrt{${ans * ans}}$`,
    fillers: [`The triangle is not right-angled: $${a}^2 + ${b}^2 \\ne ${c}^2$ in general, so Heron is the safe route.`],
  };
};

const aimeInclusion: Template = (rng) => {
  const [p, q] = rng.pick([
    [3, 5],
    [3, 7],
    [4, 5],
    [5, 7],
    [4, 9],
    [7, 9],
    [5, 11],
    [9, 11],
  ] as const);
  const N = rng.int(200, 1200);
  const M = N - 1;
  const [fp, fq, fpq] = [Math.floor(M / p), Math.floor(M / q), Math.floor(M / (p * q))];
  const ans = M - fp - fq + fpq;
  return {
    subject: 'Counting & Probability',
    level: 4,
    text: `How many positive integers less than $${N}$ are divisible by neither $${p}$ nor $${q}$?`,
    answer: `${ans}`,
    wrong: [`${M - fp - fq}`, `${ans + 1}`, `${M - fp - fq + 2 * fpq}`],
    core: [
      { role: 'setup', text: `There are $${M}$ positive integers below $${N}$.` },
      {
        role: 'crux',
        text: `By inclusion–exclusion, $$${M} - \\left\\lfloor \\frac{${M}}{${p}} \\right\\rfloor - \\left\\lfloor \\frac{${M}}{${q}} \\right\\rfloor + \\left\\lfloor \\frac{${M}}{${p * q}} \\right\\rfloor$$`,
        wrong: `Subtract the multiples of each: $$${M} - \\left\\lfloor \\frac{${M}}{${p}} \\right\\rfloor - \\left\\lfloor \\frac{${M}}{${q}} \\right\\rfloor$$`,
      },
      { role: 'compute', text: `$$${M} - ${fp} - ${fq} + ${fpq} = ${ans}$$` },
    ],
    cruxInline: `$|A \\cup B| = |A| + |B| - |A \\cap B|$`,
    cruxDesc: `applies inclusion–exclusion and adds back the multiples of $${p * q}$`,
    routineInline: `$${M} - ${fp} - ${fq} + ${fpq}$`,
    fillers: [`Multiples of $${p * q}$ were subtracted twice, so they are added back once.`],
  };
};

const TEMPLATES: Record<Benchmark, readonly Template[]> = {
  GSM8K: [gsmApples, gsmTrain, gsmDiscount, gsmWages, gsmAges, gsmBoxes, gsmClubs, gsmReading],
  MATH500: [
    mathLinear,
    mathVieta,
    mathModPow,
    mathLcm,
    mathPythagoras,
    mathSeating,
    mathDice,
    mathMultiples,
    mathCompose,
    mathTrig,
    mathDiffSquares,
    mathInequality,
    mathLog,
    mathComplex,
  ],
  AIME24: [aimeDivisors, aimeCubes, aimeCrt, aimeHeron, aimeInclusion],
};

/** A problem of the benchmark's style, drawn from `rng`; the same rng state gives the same problem. */
export function makeProblem(benchmark: Benchmark, rng: Rng): Problem {
  const problem = finish(rng.pick(TEMPLATES[benchmark])(rng));
  if (benchmark === 'MATH500') {
    // MATH levels vary around the template's typical level.
    problem.level = Math.min(5, Math.max(1, problem.level + rng.int(-1, 1)));
  }
  return problem;
}
