import 'server-only';
// The user's documentation (docs/*.md) served by the app itself, so a page can link to the rule it
// applies ("routelens's preference rules") without the reader knowing where the repository lives.
// Every Markdown page of docs/ is served; a name is one of them or nothing (no path reaches further).
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const DOCS_DIR = path.join(process.cwd(), 'docs');

/** The pages of docs/, by name (`scoring` for docs/scoring.md), sorted. */
export const DOC_NAMES: readonly string[] = readdirSync(DOCS_DIR)
  .filter((f) => /^[a-z][a-z0-9-]*\.md$/.test(f))
  .map((f) => f.slice(0, -'.md'.length))
  .sort();

export type DocName = string;

export function isDocName(name: string): boolean {
  return DOC_NAMES.includes(name);
}

export function readDoc(name: DocName): Promise<string> {
  if (!isDocName(name)) throw new Error(`routelens: no page docs/${name}.md`);
  return readFile(path.join(DOCS_DIR, `${name}.md`), 'utf8');
}
