import 'server-only';
// The user's documentation (docs/*.md) served by the app itself, so a page can link to the rule it
// applies ("routelens's preference rules") without the reader knowing where the repository lives.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const DOC_NAMES = ['scoring', 'exports', 'api', 'trace-format', 'labelling', 'operations'] as const;
export type DocName = (typeof DOC_NAMES)[number];

export function readDoc(name: DocName): Promise<string> {
  return readFile(path.join(process.cwd(), 'docs', `${name}.md`), 'utf8');
}
