import 'server-only';
// What the Exports page shows of each kind: its summary and columns, from the kinds themselves.
import { EXPORT_KINDS, parseExportRequest, type ExportKind } from '@/lib/schemas/exports';
import { KINDS } from './run';

export interface KindDescription {
  kind: ExportKind;
  summary: string;
  columns: { name: string; type: string; description: string }[];
}

export function describeExportKinds(): KindDescription[] {
  return EXPORT_KINDS.map((kind) => {
    const { settings } = parseExportRequest(kind, new URLSearchParams());
    return {
      kind,
      summary: KINDS[kind].summary,
      columns: KINDS[kind].columns(settings).map((c) => ({ name: c.name, type: c.type, description: c.description })),
    };
  });
}
