// The documentation keeps its promises: every file path, API route (with its method), npm script and
// ROUTELENS_* setting that README.md and docs/ name exists in the code, and every ROUTELENS_* setting
// that the code reads is on the settings page (docs/settings.md). A doc that names something the code
// does not have, or a setting that nobody documented, fails here with the file and what to fix.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.next', '.data', '.git', 'generated', 'test-results', 'playwright-report', 'out', '__pycache__']);
const DOCS = ['README.md', ...listFiles('docs', (f) => f.endsWith('.md'))];
const SETTINGS_PAGE = 'docs/settings.md';

/** Top-level folders and files of the repository that a doc may name by path. */
const REPO_DIRS = ['app', 'components', 'lib', 'prisma', 'scripts', 'tests', 'e2e', 'bench', 'docs', 'clients', 'public'];
/** ROUTELENS_* names the docs use that are not settings: the examples' shell variable for a key. */
const NOT_SETTINGS = new Set(['ROUTELENS_API_KEY']);
const CODE_EXT = /\.(ts|tsx|js|cjs|mjs|py)$/;

function listFiles(dir: string, keep: (f: string) => boolean): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    if (SKIP_DIRS.has(e.name)) return [];
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return listFiles(rel, keep);
    return keep(rel) ? [rel] : [];
  });
}

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

interface Mention {
  doc: string;
  line: number;
  text: string;
}

function mentions(re: RegExp, group = 1, docs = DOCS): Mention[] {
  const out: Mention[] = [];
  for (const doc of docs) {
    read(doc)
      .split('\n')
      .forEach((l, i) => {
        for (const m of l.matchAll(re)) out.push({ doc, line: i + 1, text: m[group]! });
      });
  }
  return out;
}

const where = (m: Mention) => `${m.doc}:${m.line}`;

// ---- API routes ------------------------------------------------------------------------------

interface RouteFile {
  segments: string[];
  methods: Set<string>;
  file: string;
}

const ROUTES: RouteFile[] = listFiles('app/api', (f) => f.endsWith('/route.ts')).map((file) => {
  const src = read(file);
  const methods = new Set([...src.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!));
  return { segments: path.posix.dirname(file).split('/').slice(1), methods, file };
});

function matches(r: RouteFile, segs: string[]): boolean {
  for (let i = 0; i < r.segments.length; i++) {
    const p = r.segments[i]!;
    if (p.startsWith('[...')) return segs.length > i;
    const s = segs[i];
    if (s === undefined || s === '') return false;
    if (!p.startsWith('[') && s !== p) return false;
  }
  return segs.length === r.segments.length;
}

/** The route file that serves a path; literal segments win over dynamic ones, as in Next. */
function routeOf(urlPath: string): RouteFile | undefined {
  const segs = urlPath.replace(/^\/+|\/+$/g, '').split('/');
  const dynamic = (r: RouteFile) => r.segments.filter((s) => s.startsWith('[')).length;
  return [...ROUTES].sort((a, b) => dynamic(a) - dynamic(b)).find((r) => matches(r, segs));
}

/** The path part of a URL as a doc writes it: no $RL, no query, no trailing punctuation. */
function cleanPath(text: string): string {
  return text.replace(/[?#].*$/, '').replace(/[.,;:]+$/, '');
}

/** curl commands of fenced code blocks, continuation lines joined, with the method they send. */
function curlCalls(): (Mention & { method: string; urlPath: string })[] {
  const out: (Mention & { method: string; urlPath: string })[] = [];
  for (const doc of DOCS) {
    const lines = read(doc).split('\n');
    let fenced = false;
    for (let i = 0; i < lines.length; i++) {
      if (/^\s*```/.test(lines[i]!)) fenced = !fenced;
      if (!fenced || !/^\s*curl\s/.test(lines[i]!)) continue;
      let cmd = lines[i]!;
      let j = i;
      while (cmd.trimEnd().endsWith('\\') && j + 1 < lines.length) cmd = cmd.trimEnd().slice(0, -1) + ' ' + lines[++j]!;
      const url = /\/api\/[^\s"'`]*/.exec(cmd);
      if (!url) continue;
      const explicit = /(?:-X|--request)\s+([A-Z]+)/.exec(cmd)?.[1];
      const sends = /\s(-d|--data|--data-binary|--data-raw|-F|--form|-T|--upload-file)\s/.test(cmd + ' ');
      out.push({
        doc,
        line: i + 1,
        text: cmd.trim(),
        method: explicit ?? (sends ? 'POST' : /\s(-I|--head)\s/.test(cmd + ' ') ? 'HEAD' : 'GET'),
        urlPath: cleanPath(url[0]),
      });
    }
  }
  return out;
}

// ---- settings ----------------------------------------------------------------------------------

/** Every ROUTELENS_* variable that the code reads (process.env.X, or its name as a string literal). */
function settingsReadByCode(): Map<string, string> {
  const found = new Map<string, string>();
  const files = [...REPO_DIRS.flatMap((d) => listFiles(d, (f) => CODE_EXT.test(f))), ...fs.readdirSync(ROOT).filter((f) => CODE_EXT.test(f))];
  for (const file of files) {
    if (file === 'tests/docs.test.ts') continue;
    const src = read(file);
    for (const m of src.matchAll(
      /(?:process\.env\.|\benv\.|\benv\[\s*['"`]|environ(?:\.get\()?\[?\s*['"])(ROUTELENS_[A-Z0-9_]+)|['"`](ROUTELENS_[A-Z0-9_]+)['"`]/g,
    )) {
      const name = m[1] ?? m[2]!;
      if (!found.has(name)) found.set(name, file);
    }
  }
  return found;
}

describe('the docs name what the code has', () => {
  it('finds the docs', () => {
    expect(DOCS).toContain('README.md');
    expect(DOCS).toContain('docs/api.md');
    expect(DOCS).toContain(SETTINGS_PAGE);
  });

  it('names only npm scripts that package.json has', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const named = [...mentions(/\bnpm run ([a-z][\w:.-]*)/g), ...mentions(/\bnpm (start|test)\b/g)];
    expect(named.length).toBeGreaterThan(5);
    const missing = named.filter((m) => !scripts.includes(m.text)).map((m) => `${where(m)}: npm run ${m.text}`);
    expect(missing, 'scripts named in the docs but absent from package.json').toEqual([]);
  });

  it('names only API routes that app/api has, with the methods the route files export', () => {
    const bare = mentions(/(?<![\w$])(?:\$RL|https?:\/\/[\w.:-]+)?(\/api\/[^\s"'`)<>|\]]*)/g).map((m) => ({ ...m, text: cleanPath(m.text) }));
    expect(bare.length).toBeGreaterThan(10);
    const unknown = bare.filter((m) => m.text !== '/api/' && !routeOf(m.text)).map((m) => `${where(m)}: ${m.text}`);
    expect(unknown, 'paths under /api/ that no app/api/**/route.ts serves').toEqual([]);

    const withMethod = mentions(/\b(GET|HEAD|POST|PUT|PATCH|DELETE) (\/api\/[^\s"'`)<>|\]]*)/g, 0).map((m) => {
      const [method, p] = m.text.split(' ') as [string, string];
      return { ...m, method, urlPath: cleanPath(p) };
    });
    const curls = curlCalls();
    expect(curls.length).toBeGreaterThan(10);
    const wrong = [...withMethod, ...curls]
      .filter((m) => {
        const r = routeOf(m.urlPath);
        return r && !r.methods.has(m.method) && !(m.method === 'HEAD' && r.methods.has('GET'));
      })
      .map((m) => `${where(m)}: ${m.method} ${m.urlPath} (${routeOf(m.urlPath)!.file} exports ${[...routeOf(m.urlPath)!.methods].join(', ')})`);
    expect(wrong, 'methods that the route file does not export').toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const dirs = REPO_DIRS.join('|');
    const inCode = mentions(new RegExp(`(?<![\\w./-])((?:${dirs})/(?:[\\w./*<>@-]|\\[[\\w.]+\\]|\\([\\w-]+\\))*)`, 'g')).map((m) => ({
      ...m,
      text: m.text.replace(/[.,;:)]+$/, ''),
    }));
    const links = mentions(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g).filter((m) => !/^(https?:|mailto:)/.test(m.text));
    expect(inCode.length + links.length).toBeGreaterThan(10);
    const exists = (rel: string) => {
      if (!/[*<]/.test(rel)) return fs.existsSync(path.join(ROOT, rel));
      // A glob or a placeholder (`<timestamp>_NAME`): some file or folder must match it.
      const re = new RegExp(
        '^' +
          rel
            .replace(/\/$/, '')
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/<[^>]*>[\w-]*/g, '[^/]+')
            .replace(/\*/g, '[^/]*') +
          '$',
      );
      const top = rel.split('/')[0]!;
      const all = [...listFiles(top, () => true)];
      return all.some((f) => re.test(f) || f.split('/').some((_, i, a) => re.test(a.slice(0, i + 1).join('/'))));
    };
    const missing = [
      ...inCode.filter((m) => !exists(m.text)).map((m) => `${where(m)}: ${m.text}`),
      ...links.filter((m) => !fs.existsSync(path.join(ROOT, path.dirname(m.doc), m.text))).map((m) => `${where(m)}: link ${m.text}`),
    ];
    expect(missing, 'paths named in the docs that the repository does not have').toEqual([]);
  });

  it('stands alone: no doc points outside the repository for its contract', () => {
    const outside = mentions(/(\.\.\/shared\/[^\s`)]*|shared spec)/g).map((m) => `${where(m)}: ${m.text}`);
    expect(outside).toEqual([]);
  });

  it('names only ROUTELENS_* settings that the code reads', () => {
    const read = settingsReadByCode();
    const named = mentions(/\b(ROUTELENS_[A-Z0-9_]+)/g).filter((m) => !NOT_SETTINGS.has(m.text));
    expect(named.length).toBeGreaterThan(5);
    const unknown = named.filter((m) => !read.has(m.text)).map((m) => `${where(m)}: ${m.text}`);
    expect(unknown, 'settings named in the docs that no code reads').toEqual([]);
  });

  it('puts every ROUTELENS_* setting that the code reads on the settings page', () => {
    const read = settingsReadByCode();
    expect(read.size).toBeGreaterThan(5);
    const page = new Set(mentions(/`(ROUTELENS_[A-Z0-9_]+)`/g, 1, [SETTINGS_PAGE]).map((m) => m.text));
    const missing = [...read].filter(([name]) => !page.has(name)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing, `settings that the code reads but ${SETTINGS_PAGE} does not list`).toEqual([]);
  });
});
