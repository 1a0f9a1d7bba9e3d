import 'server-only';
// `steps`: one row per step, with its text, the router's probabilities, latency, cost, its trajectory's
// outcome and figures. Read through COPY (copy.ts): PostgreSQL writes the step rows in its text format
// and they become JSON Lines or CSV bytes field by field (copy-text.ts), with no value made in between
// for what passes through. The trajectory's own fields come on its first step's row only, one JSON
// array: its ids and outcome, its step rubric scores as stored (written by lib/domain at ingest and
// after every label), and, where those are not stored or the export has a judge, its judgments and
// rubric's id (each rubric's criteria are read once, before the COPY and in its snapshot), from which
// it is scored here with lib/domain. Its reward is computed once, and its fixed columns are encoded
// once and pasted into each of its steps' rows.
//
// A column comes from one of four places (StepColumn.from): a field of every step's row, a field of
// the trajectory's first row, a figure computed once per trajectory, or one computed per step. A new
// column is one entry in COLUMNS (and, for a stored one, its field in the statement).
import { combinedReward, processScore as processScoreOfJudgments, stepRubricScores, type CriterionDef } from '@/lib/domain';
import { numberText } from '@/lib/domain/number-text';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { type Column, type ColumnType } from './columns';
import {
  ByteSink,
  csvBool,
  csvJsNumber,
  csvNumber,
  csvText,
  decodeNumber,
  decodeText,
  FIELD_EXTRA,
  FIELD_GROWTH,
  fieldCode,
  type FieldWriter,
  jsonBool,
  jsonJsNumber,
  jsonNumber,
  jsonRaw,
  jsonString,
  scanRow,
  streamField,
} from './copy-text';
import { csvField, encoderOf as csvEncoderOf } from './csv';
import { encoderOf as jsonEncoderOf } from './jsonl';
import type { CopyFormat } from './copy';
import type { CopyEncoder, CopyKindDefinition, KindContext } from './kind';
import { judgmentInputs } from '@/lib/db/items';
import { criteriaByRubric, judgmentsJson, type JudgmentJson } from './scoring';

// Fields of the statement's rows. Every row: the step's own.
const F_INDEX = 0,
  F_MODEL = 1,
  F_TEXT = 2,
  F_TOKENS_IN = 3,
  F_TOKENS_OUT = 4,
  F_LATENCY = 5,
  F_PROBS = 6,
  F_COST = 7;
/**
 * The first step's row only (\N on the others): the trajectory's fields as one JSON array, elements
 * T_* (its rubric's criteria are read once per rubric before the COPY, in its snapshot: see
 * prefetch). One field rather than one per value: PostgreSQL evaluates one CASE per row instead of
 * thirteen, and every other row ends after a single `\N` instead of thirteen.
 */
const F_TRAJECTORY = 8;
const FIELDS = 9;
const T_ID = 0,
  T_RUN = 1,
  T_QUERY = 2,
  T_CORRECT = 3,
  T_PROCESS = 4,
  T_COST = 5,
  T_ALL_LARGEST = 6,
  T_STEP_COUNT = 7,
  T_JUDGMENTS = 8,
  T_RUBRIC = 9,
  /** Its routing decisions per step (trajectory_routing_steps, computed at ingest by lib/domain's stepRouting), or null. */
  T_ROUTING = 10,
  /**
   * Its step rubric scores as stored (trajectories.step_rubric_scores: every judge's judgments, labels
   * applied, kept by ingest and by every label's recompute), when the export has no judge; null with a
   * judge, or for a trajectory stored before the column. Where it is null the statement brings the
   * judgments (T_JUDGMENTS) and the trajectory is scored here; where it is not, it brings none.
   */
  T_STEP_SCORES = 11;

/** The trajectory's array as JSON.parse reads it. */
type TrajectoryFields = [
  id: string,
  run: string,
  query: string,
  correct: boolean,
  processScore: JsonDouble | null,
  costUsd: JsonDouble,
  allLargestUsd: JsonDouble,
  stepCount: number,
  judgments: JudgmentJson[] | null,
  rubric: string | null,
  routing: [escalations: string | null, chosenProbability: RoutingList, normalizedEntropy: RoutingList] | null,
  stepScores: (JsonDouble | null)[] | null,
];
/** A float8 in PostgreSQL's JSON: a number, or the string "NaN", "Infinity" or "-Infinity", which JSON has no number for. */
type JsonDouble = number | string;
const double = (v: JsonDouble): number => (typeof v === 'number' ? v : Number(v));
/**
 * A float8[] of trajectory_routing_steps as the statement brings it: for JSON Lines and CSV its text
 * ("{0.5,NULL,1e-05}"), whose elements are written as PostgreSQL wrote them; for Parquet its JSON array,
 * whose numbers JSON.parse reads once per trajectory rather than Number() once per step.
 */
type RoutingList = string | (JsonDouble | null)[] | null;

function copyQuery({ filter, settings }: KindContext) {
  const lists =
    settings.format === 'parquet' ? sql`rs.chosen_probability, rs.normalized_entropy` : sql`rs.chosen_probability::text, rs.normalized_entropy::text`;
  // Without a judge, the stored step rubric scores spare PostgreSQL each trajectory's judgments (a
  // subquery and a label lookup per trajectory, a quarter of its work here) and Node their scoring.
  const judgments = settings.judge === null ? sql`CASE WHEN t.step_rubric_scores IS NULL THEN ${judgmentsJson(null)} END` : judgmentsJson(settings.judge);
  const stepScores = settings.judge === null ? sql`t.step_rubric_scores` : sql`NULL`;
  return sql`
    SELECT s.index, s.model, s.text, s.tokens_in, s.tokens_out, s.latency_ms, s.router -> 'probs', s.cost_usd,
           CASE WHEN s.index = 0 THEN json_build_array(
             t.id, t.run_id, t.query_id, t.correct, t.process_score, t.cost_usd, t.all_largest_usd, t.step_count,
             ${judgments}, t.rubric_id,
             (SELECT json_build_array(rs.escalations, ${lists})
                FROM trajectory_routing_steps rs WHERE rs.trajectory_pk = t.pk),
             ${stepScores}) END
      FROM trajectories t JOIN steps s ON s.trajectory_pk = t.pk
      ${trajectoryWhere(filter)}
     ORDER BY t.pk, s.index`;
}

/** What is known of the trajectory whose steps are being written. */
interface Trajectory {
  /** Its first row's array, for the columns that are its elements. */
  fields: TrajectoryFields;
  stepCount: number;
  correct: boolean;
  processScore: number | null;
  costUsd: number;
  allLargestUsd: number;
  /** Step rubric scores (lib/domain), or null when no judgment names a step. */
  scores: (number | null)[] | null;
  /** One character per step: "u" up, "d" down, "-" neither (trajectory_routing_steps.escalations). */
  escalations: string | null;
  /** Per step, PostgreSQL's text of the number (shortest exact) or, for Parquet, the number; null for NULL. */
  chosenProbability: (JsonDouble | null)[] | null;
  normalizedEntropy: (JsonDouble | null)[] | null;
  /** The current step. */
  index: number;
  /**
   * The cost of steps 0..index, added up here in step order from the exact doubles of the rows' costs:
   * the additions lib/domain's cumulativeCosts makes (and the read API's costBefore), with no window
   * function for PostgreSQL to evaluate over every row (a third of its work in this statement).
   */
  cumulativeCostUsd: number;
  /** The current step's cost as decoded from its row (Parquet writes it as it is, with no second decoding). */
  stepCostUsd: number | null;
}

type Source =
  /** `js`: a double PostgreSQL computes for the export, written as JavaScript writes the number. */
  | { step: number; js?: boolean }
  /** An element of the trajectory's array (T_*). */
  | { trajectory: number }
  | { ofTrajectory: (t: Trajectory, ctx: KindContext) => unknown }
  /** `list`: the figure is element `index` of this list, its text written as it is (JSON and CSV alike). */
  | { ofStep: (t: Trajectory) => unknown; list?: (t: Trajectory) => (JsonDouble | null)[] | null };

interface StepColumn extends Column {
  from: Source;
}

const COLUMNS: StepColumn[] = [
  { name: 'trajectory_id', type: 'string', description: 'the trajectory', from: { trajectory: T_ID } },
  { name: 'run_id', type: 'string', description: 'its run (router checkpoint)', from: { trajectory: T_RUN } },
  { name: 'query_id', type: 'string', description: 'its query', from: { trajectory: T_QUERY } },
  { name: 'step_index', type: 'int', description: 'the step, 0-based', from: { step: F_INDEX } },
  { name: 'model', type: 'string', description: 'the model the router sent the step to', from: { step: F_MODEL } },
  { name: 'text', type: 'string', long: true, description: 'the step as the model wrote it', from: { step: F_TEXT } },
  { name: 'tokens_in', type: 'int', description: 'input tokens', from: { step: F_TOKENS_IN } },
  { name: 'tokens_out', type: 'int', description: 'output tokens', from: { step: F_TOKENS_OUT } },
  {
    name: 'latency_ms',
    type: 'double',
    nullable: true,
    description: "the step's latency in milliseconds, as the trace gave it; null when absent",
    from: { step: F_LATENCY },
  },
  {
    name: 'router_probs',
    type: 'json',
    nullable: true,
    long: true,
    description: "the router's probability of each model for this step (router.probs as the trace gave it, a JSON object); null when absent",
    from: { step: F_PROBS },
  },
  { name: 'cost_usd', type: 'double', description: 'step cost (scoring.md)', from: { step: F_COST } },
  { name: 'cumulative_cost_usd', type: 'double', description: 'cost of steps 0..step_index', from: { ofStep: (t) => t.cumulativeCostUsd } },
  {
    name: 'rubric_score',
    type: 'double',
    nullable: true,
    description: "step rubric score with human labels applied (under the export's judge); null where no judgment names the step",
    from: { ofStep: (t) => t.scores?.[t.index] ?? null },
  },
  {
    name: 'escalation',
    type: 'string',
    nullable: true,
    description: 'up: a switch to a more expensive model than the previous step’s; down: to a cheaper one; empty otherwise',
    from: { ofStep: (t) => ESCALATION_OF[t.escalations?.[t.index] ?? '-'] ?? null },
  },
  {
    name: 'chosen_probability',
    type: 'double',
    nullable: true,
    description: 'the router’s probability of the step’s model, probabilities divided by their sum; empty without router probabilities',
    from: { ofStep: (t) => t.chosenProbability?.[t.index] ?? null, list: (t) => t.chosenProbability },
  },
  {
    name: 'normalized_entropy',
    type: 'double',
    nullable: true,
    description: 'entropy of the router’s probabilities over the trajectory’s models, divided by log2 of their number; empty without router probabilities',
    from: { ofStep: (t) => t.normalizedEntropy?.[t.index] ?? null, list: (t) => t.normalizedEntropy },
  },
  { name: 'correct', type: 'bool', description: "the trajectory's graded outcome", from: { trajectory: T_CORRECT } },
  {
    name: 'process_score',
    type: 'double',
    nullable: true,
    description: "the trajectory's process score (under the export's judge)",
    from: { ofTrajectory: (t) => t.processScore },
  },
  {
    name: 'reward',
    type: 'double',
    description: "the trajectory's combined reward at the export's judge, lambda and mu",
    from: {
      ofTrajectory: (t, ctx) =>
        combinedReward(
          { correct: t.correct, processScore: t.processScore, costUsd: t.costUsd, allLargestUsd: t.allLargestUsd },
          { lambda: ctx.settings.lambda, mu: ctx.settings.mu },
        ),
    },
  },
];

const ESCALATION_OF: Record<string, 'up' | 'down' | null> = { u: 'up', d: 'down', '-': null };

const routingList = (v: RoutingList): (JsonDouble | null)[] | null => (typeof v === 'string' ? numberTexts(v) : v);

/** A float8[] in PostgreSQL's text ("{0.5,NULL,1e-05}") as the text of each element, null for NULL. */
function numberTexts(text: string | null): (string | null)[] | null {
  if (text === null) return null;
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map((x) => (x === 'NULL' ? null : x));
}

const isTrajectoryLevel = (s: Source) => 'trajectory' in s || 'ofTrajectory' in s;

/** Each rubric's criteria, read before the COPY in its snapshot (prefetch), by rubric id. */
type Rubrics = Map<string, CriterionDef[]>;

function criteriaOf(rubrics: Rubrics, id: string | null): CriterionDef[] {
  if (id === null) return [];
  const c = rubrics.get(id);
  if (!c) throw new Error(`steps: rubric ${id} was not read before the export`);
  return c;
}

/** Reads the trajectory's fields off its first step's row and scores it with lib/domain. */
function startTrajectory(src: Uint8Array, b: Int32Array, ctx: KindContext, rubrics: Rubrics): Trajectory {
  return trajectoryOf(decodeText(src, b[2 * F_TRAJECTORY]!, b[2 * F_TRAJECTORY + 1]!), ctx, rubrics);
}

/** The trajectory of its first row's array (F_TRAJECTORY's JSON text). */
function trajectoryOf(json: string, ctx: KindContext, rubrics: Rubrics): Trajectory {
  const fields = JSON.parse(json) as TrajectoryFields;
  const stepCount = fields[T_STEP_COUNT];
  const judgmentRows = fields[T_JUDGMENTS] ?? [];
  const judged = ctx.settings.judge !== null;
  let scores: (number | null)[] | null = null;
  const stored = fields[T_PROCESS];
  let processScore = stored === null ? null : double(stored);
  const storedScores = fields[T_STEP_SCORES];
  if (storedScores !== null) scores = storedScores.map((x) => (x === null ? null : double(x)));
  else if (judgmentRows.length > 0 || judged) {
    const judgments = judgmentInputs(judgmentRows);
    const criteria = criteriaOf(rubrics, fields[T_RUBRIC]);
    if (judgmentRows.length > 0) scores = stepRubricScores(stepCount, judgments, criteria);
    // With a judge the statement brought that judge's judgments (and people's) alone: score them.
    if (judged) processScore = processScoreOfJudgments(judgments, criteria);
  }
  const routing = fields[T_ROUTING];
  return {
    fields,
    stepCount,
    escalations: routing?.[0] ?? null,
    chosenProbability: routingList(routing?.[1] ?? null),
    normalizedEntropy: routingList(routing?.[2] ?? null),
    correct: fields[T_CORRECT],
    processScore,
    costUsd: double(fields[T_COST]),
    allLargestUsd: double(fields[T_ALL_LARGEST]),
    scores,
    index: 0,
    cumulativeCostUsd: 0,
    stepCostUsd: null,
  };
}

/** Advances the trajectory to the step of this row. */
function step(t: Trajectory, src: Uint8Array, b: Int32Array): void {
  stepTo(t, decodeNumber(src, b[2 * F_INDEX]!, b[2 * F_INDEX + 1]!)!, decodeNumber(src, b[2 * F_COST]!, b[2 * F_COST + 1]!));
}

function stepTo(t: Trajectory, index: number, cost: number | null): void {
  t.index = index;
  t.stepCostUsd = cost;
  t.cumulativeCostUsd = (index === 0 ? 0 : t.cumulativeCostUsd) + cost!;
}

const TAB = 9;
const LF = 10;
const NULL_BYTES = new TextEncoder().encode('null');

const isFirstStep = (src: Uint8Array, b: Int32Array) => b[1]! - b[0]! === 1 && src[b[0]!] === 48;

// ---------------------------------------------------------------- JSON Lines and CSV

const JSON_FIELD: Record<ColumnType, FieldWriter | undefined> = {
  string: jsonString,
  timestamp: jsonString,
  int: jsonNumber,
  double: jsonNumber,
  bool: jsonBool,
  json: jsonRaw,
  int_list: undefined,
  double_list: undefined,
  bool_list: undefined,
  string_list: undefined,
};

const CSV_FIELD: Record<ColumnType, FieldWriter | undefined> = {
  string: csvText,
  timestamp: csvText,
  int: csvNumber,
  double: csvNumber,
  bool: csvBool,
  json: csvText,
  int_list: undefined,
  double_list: undefined,
  bool_list: undefined,
  string_list: undefined,
};

/** One piece of a row: bytes fixed for the trajectory, a field of the step's row, or a figure of the step. */
type Op =
  | { kind: 0; segment: number }
  | { kind: 1; prefix: Uint8Array; field: number; write: FieldWriter }
  | {
      kind: 2;
      prefix: Uint8Array;
      value: (t: Trajectory) => unknown;
      encode: (v: unknown) => string;
      ascii: boolean;
      /** The value is this list's element of the step, written as its text (null or an empty field for NULL). */
      list?: (t: Trajectory) => (JsonDouble | null)[] | null;
      /** The one-pass rows' writer of the figure: the bytes of `encode(value(t))`. */
      put: (sink: ByteSink, t: Trajectory) => void;
    };

/** The trajectory-level columns of one segment: written once per trajectory, with their keys. */
interface Segment {
  parts: { prefix: Uint8Array; source: Source; column: Column; encode: (v: unknown) => string }[];
}

interface TextFormat {
  /** What goes before column i's value ('{"name":' or ',"name":' for JSON, ',' for CSV). */
  prefix(i: number, name: string): string;
  end: Uint8Array;
  field: Record<ColumnType, FieldWriter | undefined>;
  /** A double computed by PostgreSQL, as JavaScript writes it. */
  jsNumber: FieldWriter;
  encoderOf(c: Column): (v: unknown) => string;
}

const enc = new TextEncoder();

const jsonScalar = (v: unknown): string => {
  if (typeof v === 'number') return v - v === 0 ? numberText(v) : 'null'; // NaN and the infinities: null
  return v === null || v === undefined ? 'null' : String(v);
};
const csvScalar = (v: unknown): string => (typeof v === 'number' ? numberText(v) : v === null || v === undefined ? '' : String(v));

/** A figure of few values (escalation: up, down or none): each value's bytes encoded once. */
function cachedPut(value: (t: Trajectory) => unknown, encode: (v: unknown) => string): (sink: ByteSink, t: Trajectory) => void {
  const cache = new Map<unknown, Uint8Array>();
  return (sink, t) => {
    const v = value(t);
    let bytes = cache.get(v);
    if (bytes === undefined) {
      bytes = enc.encode(encode(v));
      if (cache.size < 64) cache.set(v, bytes);
    }
    sink.bytes(bytes);
  };
}

/** The encoder, with the text of the last value kept for a value equal to it. */
function lastOf(encode: (v: unknown) => string): (v: unknown) => string {
  let last: unknown = lastOf;
  let text = '';
  return (v) => {
    if (v !== last) {
      last = v;
      text = encode(v);
    }
    return text;
  };
}

const JSONL: TextFormat = {
  prefix: (i, name) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`,
  end: enc.encode('}\n'),
  field: JSON_FIELD,
  jsNumber: jsonJsNumber,
  encoderOf: jsonEncoderOf,
};

const CSV: TextFormat = {
  prefix: (i) => (i === 0 ? '' : ','),
  end: enc.encode('\r\n'),
  field: CSV_FIELD,
  jsNumber: csvJsNumber,
  encoderOf: csvEncoderOf,
};

/**
 * Whether a step's row can be written in one pass over its fields (rowWriter's fast path): the
 * fields its columns read come in row order, and the step (its index and cost) is known before the
 * first figure computed per step.
 */
function onePassable(ops: readonly Op[]): boolean {
  let field = -1;
  const seen = new Set<number>();
  for (const op of ops) {
    if (op.kind === 1) {
      if (op.field <= field) return false;
      field = op.field;
      seen.add(field);
    } else if (op.kind === 2 && !(seen.has(F_INDEX) && seen.has(F_COST))) return false;
  }
  return seen.has(F_INDEX) && seen.has(F_COST);
}

/** Options for tests: `onePass: false` writes every row through scanRow and the field writers. */
export interface StepsTextOptions {
  onePass?: boolean;
  /** What the chunks hold: PostgreSQL's text format (the default), or for CSV its CSV format, framed (copy.ts). */
  input?: CopyFormat;
}

function textEncoder(format: TextFormat, ctx: KindContext, columns: readonly StepColumn[], rubrics: Rubrics, opts: StepsTextOptions = {}): CopyEncoder {
  const ops: Op[] = [];
  const segments: Segment[] = [];
  columns.forEach((c, i) => {
    const prefix = format.prefix(i, c.name);
    if (isTrajectoryLevel(c.from)) {
      const part = { prefix: enc.encode(prefix), source: c.from, column: c, encode: format.encoderOf(c) };
      const last = ops[ops.length - 1];
      if (last?.kind === 0) segments[last.segment]!.parts.push(part);
      else {
        ops.push({ kind: 0, segment: segments.length });
        segments.push({ parts: [part] });
      }
    } else if ('step' in c.from) {
      const write = c.from.js ? format.jsNumber : format.field[c.type];
      if (!write) throw new Error(`steps: no COPY field writer for a ${c.type} column`);
      ops.push({ kind: 1, prefix: enc.encode(prefix), field: c.from.step, write });
    } else if ('ofStep' in c.from) {
      // Numbers and booleans are their own text in both formats (JSON: null for a missing or non-finite one).
      const plain = c.type === 'int' || c.type === 'double' || c.type === 'bool';
      // (A step's rubric score is often the one before it: the last text is kept.)
      const encode = plain ? lastOf(format === JSONL ? jsonScalar : csvScalar) : format.encoderOf(c);
      const value = c.from.ofStep;
      const put = plain ? (sink: ByteSink, t: Trajectory) => sink.ascii(encode(value(t))) : cachedPut(value, format.encoderOf(c));
      ops.push({ kind: 2, prefix: enc.encode(prefix), value, encode, ascii: plain, list: plain ? c.from.list : undefined, put });
    }
  });

  const scratch = new ByteSink(4096);
  /** The trajectory's segments, encoded off its first row. */
  const encodeSegments = (t: Trajectory): Uint8Array[] => {
    scratch.o = 0;
    return segments.map((seg) => {
      const start = scratch.o;
      for (const p of seg.parts) {
        scratch.bytes(p.prefix);
        if ('trajectory' in p.source) scratch.text(p.encode(t.fields[p.source.trajectory]));
        else if ('ofTrajectory' in p.source) {
          scratch.text(p.encode(p.source.ofTrajectory(t, ctx)));
        }
      }
      return scratch.buf.slice(start, scratch.o);
    });
  };

  const bounds = new Int32Array(2 * FIELDS);
  let t: Trajectory | null = null;
  let fixed: Uint8Array[] = [];
  const codes = ops.map((op) => (op.kind === 1 ? fieldCode(op.write) : 0));
  /** Room a row needs besides its fields' growth: keys, the trajectory's bytes, figures, the line end. */
  let reserve = 0;
  const opsReserve = ops.reduce((n, op) => n + (op.kind === 0 ? 0 : op.prefix.length + (op.kind === 1 ? FIELD_EXTRA : 64)), format.end.length);
  const onePass = opts.onePass !== false && onePassable(ops);
  let view: Buffer = Buffer.alloc(0);

  /**
   * A row that is not its trajectory's first, written as it is read, field after field (the first
   * row, which starts a trajectory, goes through scanRow). Returns the next row's start, or -1 (with
   * nothing written) for a row that scanRow must see: one without the statement's number of fields.
   */
  // The ops as arrays of one kind each (an op object per shape would make every access polymorphic).
  const opKind = Int8Array.from(ops, (op) => op.kind);
  const opField = Int32Array.from(ops, (op) => (op.kind === 1 ? op.field : op.kind === 0 ? op.segment : 0));
  const opPrefix = ops.map((op) => (op.kind === 0 ? new Uint8Array(0) : op.prefix));
  const opWrite = ops.map((op) => (op.kind === 1 ? op.write : format.jsNumber));
  const opFigure = ops.map((op) => (op.kind === 2 ? op : null));
  /** A figure computed per step, with its key or comma. */
  const putFigure = (op: Extract<Op, { kind: 2 }>, sink: ByteSink, traj: Trajectory): void => {
    sink.bytes(op.prefix);
    if (op.list) {
      // What the encoder makes of the element's text: the text itself, or null / nothing.
      // (Text for JSON Lines and CSV, whose statement brings the lists as text.)
      const text = op.list(traj)?.[traj.index] ?? null;
      if (text !== null) sink.ascii(typeof text === 'string' ? text : numberText(text));
      else if (format === JSONL) sink.bytes(NULL_BYTES);
      return;
    }
    op.put(sink, traj);
  };
  const streamRow = (src: Uint8Array, pos: number, sink: ByteSink, traj: Trajectory): number => {
    const end = view.indexOf(LF, pos);
    if (end < 0) return -1;
    sink.ensure(FIELD_GROWTH * (end - pos) + reserve);
    const rowStart = sink.o;
    let p = pos;
    let k = 0;
    let stepped = false;
    for (let i = 0; i < opKind.length; i++) {
      const kind = opKind[i]!;
      if (kind === 1) {
        const f = opField[i]!;
        for (; k < f; k++) {
          if (p > end) return ((sink.o = rowStart), -1);
          while (src[p] !== TAB && src[p] !== LF) p++;
          p++;
        }
        if (p > end) return ((sink.o = rowStart), -1);
        streamField(sink, opPrefix[i]!, src, p, f, bounds, opWrite[i]!, codes[i]!);
        p = bounds[2 * f + 1]! + 1;
        k++;
      } else if (kind === 0) sink.bytes(fixed[opField[i]!]!);
      else {
        if (!stepped) {
          step(traj, src, bounds);
          stepped = true;
        }
        putFigure(opFigure[i]!, sink, traj);
      }
    }
    if (!stepped) step(traj, src, bounds);
    // The fields after the last one read: the row must have the statement's number.
    if (p <= end) {
      k++;
      for (; p < end; p++) if (src[p] === TAB) k++;
    }
    if (k !== FIELDS) return ((sink.o = rowStart), -1);
    sink.bytes(format.end);
    return end + 1;
  };

  if (opts.input === 'csv') {
    if (format !== CSV) throw new Error('steps: a CSV COPY makes CSV only');
    return csvFromCsv(ops, encodeSegments, opsReserve, ctx, rubrics, putFigure);
  }

  return {
    text(src, sink) {
      let rows = 0;
      if (onePass) view = Buffer.from(src.buffer, src.byteOffset, src.length);
      for (let pos = 0; pos < src.length;) {
        if (onePass && t !== null && !(src[pos] === 48 && src[pos + 1] === TAB)) {
          const next = streamRow(src, pos, sink, t);
          if (next >= 0) {
            pos = next;
            rows++;
            continue;
          }
        }
        const rowStart = pos;
        pos = scanRow(src, pos, bounds, FIELDS);
        if (isFirstStep(src, bounds)) {
          t = startTrajectory(src, bounds, ctx, rubrics);
          fixed = encodeSegments(t);
          reserve = fixed.reduce((n, f) => n + f.length, opsReserve);
          // Its step's own fields in one pass too, once the trajectory is known.
          if (onePass && streamRow(src, rowStart, sink, t) === pos) {
            rows++;
            continue;
          }
        }
        if (t === null) throw new Error('steps: a step row came before its trajectory');
        step(t, src, bounds);
        for (let k = 0; k < ops.length; k++) {
          const op = ops[k]!;
          if (op.kind === 0) sink.bytes(fixed[op.segment]!);
          else if (op.kind === 1) {
            sink.bytes(op.prefix);
            op.write(sink, src, bounds[2 * op.field]!, bounds[2 * op.field + 1]!);
          } else {
            sink.bytes(op.prefix);
            const text = op.encode(op.value(t));
            if (op.ascii) sink.ascii(text);
            else sink.text(text);
          }
        }
        sink.bytes(format.end);
        rows++;
      }
      return rows;
    },
  };
}

// ---------------------------------------------------------------- CSV out of PostgreSQL's CSV

const QUOTE = 34;
const COMMA = 44;
/** Bytes that start a cell csvField defuses (csv.ts FORMULA_START): such a cell is rewritten by csvField. */
const FORMULA_BYTE = new Uint8Array(256);
for (const c of '=+-@\t\r') FORMULA_BYTE[c.charCodeAt(0)] = 1;

/** The end of the CSV field that starts at p (the comma or line feed after it). */
function csvFieldEnd(src: Uint8Array, p: number): number {
  if (src[p] !== QUOTE) {
    while (src[p] !== COMMA && src[p] !== LF) p++;
    return p;
  }
  for (p++; ; p++) {
    if (src[p] === QUOTE) {
      if (src[p + 1] !== QUOTE) return p + 1;
      p++;
    }
  }
}

const utf8 = new TextDecoder();

/** The text of the CSV field src[a, b) (a quoted one unquoted); null for an empty unquoted field, NULL. */
function csvFieldText(src: Uint8Array, a: number, b: number): string | null {
  if (a === b) return null;
  if (src[a] !== QUOTE) return utf8.decode(src.subarray(a, b));
  return utf8.decode(src.subarray(a + 1, b - 1)).replaceAll('""', '"');
}

/** Whether the CSV field at p holds text that starts a formula. */
function startsFormula(src: Uint8Array, p: number): boolean {
  return FORMULA_BYTE[src[p] === QUOTE ? src[p + 1]! : src[p]!] === 1;
}

/**
 * CSV rows out of `COPY ... (FORMAT csv)`, framed (copy-out.ts). PostgreSQL's CSV writes each step
 * field as csvField would (quoted when it holds a comma, a quote, CR or LF, inner quotes doubled,
 * NULL empty and the empty string ""), so the step's fields, index to cost, go into the row as one
 * run of bytes: no byte of its text is looked at here but the first of the model's and the text's.
 * A model or text that starts a formula is rewritten through csvField (router_probs is a JSON object
 * or NULL, which never does). The first row of a trajectory is read field by field for its array.
 */
function csvFromCsv(
  ops: readonly Op[],
  encodeSegments: (t: Trajectory) => Uint8Array[],
  opsReserve: number,
  ctx: KindContext,
  rubrics: Rubrics,
  putFigure: (op: Extract<Op, { kind: 2 }>, sink: ByteSink, t: Trajectory) => void,
): CopyEncoder {
  // The step's fields must be one run of ops, F_INDEX to F_COST in the statement's order, with the
  // trajectory's array after them: then the run is its row's bytes up to the comma before the array.
  const first = ops.findIndex((op) => op.kind === 1);
  const fieldOps = ops.filter((op): op is Extract<Op, { kind: 1 }> => op.kind === 1);
  if (fieldOps.some((op, i) => op.field !== i || ops[first + i] !== op) || fieldOps.length !== F_COST + 1 || F_TRAJECTORY !== F_COST + 1)
    throw new Error("steps: the CSV COPY's rows need the step's fields in the statement's order");
  const stepPrefix = fieldOps[0]!.prefix;
  const fieldStarts = new Int32Array(FIELDS);
  let t: Trajectory | null = null;
  let fixed: Uint8Array[] = [];
  let reserve = opsReserve;

  /** The row's step fields, a model or text that starts a formula rewritten. */
  const putStepFields = (sink: ByteSink, view: Buffer, a: number, stepEnd: number, modelAt: number, textAt: number): void => {
    sink.bytes(stepPrefix);
    if (!startsFormula(view, modelAt) && !startsFormula(view, textAt)) return sink.range(view, a, stepEnd);
    const textEnd = csvFieldEnd(view, textAt);
    sink.range(view, a, modelAt);
    sink.text(csvField(csvFieldText(view, modelAt, textAt - 1) ?? ''));
    sink.ascii(',');
    sink.text(csvField(csvFieldText(view, textAt, textEnd) ?? ''));
    sink.range(view, textEnd, stepEnd);
  };

  return {
    text(src, sink) {
      const view = Buffer.from(src.buffer, src.byteOffset, src.length);
      let rows = 0;
      for (let m = 0; m < src.length;) {
        if (src[m] !== 0x64) throw new Error('steps: a CSV COPY chunk holds a message that is not a row');
        const a = m + 5;
        const end = m + 1 + view.readUInt32BE(m + 1); // just past the row's line feed
        m = end;
        // Its index (digits), its model and the first byte of its text.
        let p = a;
        let index = 0;
        for (let c = src[p]!; c !== COMMA; c = src[++p]!) index = index * 10 + (c - 48);
        const modelAt = p + 1;
        const textAt = csvFieldEnd(src, modelAt) + 1;
        let stepEnd: number;
        if (index === 0) {
          // The trajectory's first row: its fields one by one, to the array.
          let q = a;
          for (let f = 0; f < FIELDS; f++) {
            fieldStarts[f] = q;
            q = csvFieldEnd(src, q) + 1;
          }
          if (q !== end) throw new Error(`steps: a CSV COPY row has other than ${FIELDS} fields`);
          const json = csvFieldText(src, fieldStarts[F_TRAJECTORY]!, end - 1);
          if (json === null) throw new Error('steps: a first step without its trajectory');
          t = trajectoryOf(json, ctx, rubrics);
          fixed = encodeSegments(t);
          reserve = fixed.reduce((n, f) => n + f.length, opsReserve);
          stepEnd = fieldStarts[F_TRAJECTORY]! - 1;
        } else {
          // Every other row ends with its cost and an empty array field: "…,<cost>,\n".
          if (src[end - 2] !== COMMA) throw new Error('steps: a step row with its trajectory’s fields that is not its first');
          stepEnd = end - 2;
        }
        if (t === null) throw new Error('steps: a step row came before its trajectory');
        let c0 = stepEnd;
        while (src[c0 - 1] !== COMMA) c0--;
        stepTo(t, index, decodeNumber(src, c0, stepEnd));
        // (A rewritten model or text may grow: a quote for each quote, a ' and two quotes more.)
        sink.ensure(2 * (stepEnd - a) + 8 + reserve);
        for (let i = 0; i < ops.length; i++) {
          const op = ops[i]!;
          if (op.kind === 0) sink.bytes(fixed[op.segment]!);
          else if (op.kind === 2) putFigure(op, sink, t);
          else if (i === first) putStepFields(sink, view, a, stepEnd, modelAt, textAt);
        }
        sink.bytes(CSV.end);
        rows++;
      }
      return rows;
    },
  };
}

// ---------------------------------------------------------------- Parquet

/**
 * The rows of a chunk as one batch, every column one value per row (the Parquet writer spreads a
 * batch's shared values over its rows anyway).
 */
function parquetEncoder(ctx: KindContext, columns: readonly StepColumn[], rubrics: Rubrics): CopyEncoder {
  const numeric = columns.map((c) => c.type === 'int' || c.type === 'double');
  // Where each column's value comes from, as arrays of one kind each (an `in` test on the sources'
  // several shapes for every cell of every row would be megamorphic).
  const FIXED = 0,
    FIELD = 1,
    INDEX = 2,
    COST = 3,
    OF_STEP = 4;
  const kind = Int8Array.from(columns, ({ from }) =>
    'step' in from ? (from.step === F_INDEX ? INDEX : from.step === F_COST ? COST : FIELD) : 'ofStep' in from ? OF_STEP : FIXED,
  );
  const field = Int32Array.from(columns, ({ from }) => ('step' in from ? from.step : 0));
  const ofStep = columns.map(({ from }) => ('ofStep' in from ? from.ofStep : () => undefined));
  const bounds = new Int32Array(2 * FIELDS);
  let t: Trajectory | null = null;
  let fixedValues: unknown[] = [];
  return {
    // Step fields go from the COPY row into the writer's columns (parquet-flat.ts) with no JS value
    // made for them; a trajectory's fields are decoded once, on its first step.
    parquet(src, writer) {
      const cells = writer.cells;
      let rows = 0;
      for (let pos = 0; pos < src.length;) {
        pos = scanRow(src, pos, bounds, FIELDS);
        if (isFirstStep(src, bounds)) {
          t = startTrajectory(src, bounds, ctx, rubrics);
          const traj = t;
          fixedValues = columns.map((c) => {
            if ('trajectory' in c.from) return traj.fields[c.from.trajectory];
            if ('ofTrajectory' in c.from) return c.from.ofTrajectory(traj, ctx);
            return undefined;
          });
        }
        if (t === null) throw new Error('steps: a step row came before its trajectory');
        step(t, src, bounds);
        for (let i = 0; i < kind.length; i++) {
          switch (kind[i]) {
            case FIELD: {
              const f = field[i]!;
              cells[i]!.field(src, bounds[2 * f]!, bounds[2 * f + 1]!);
              break;
            }
            // The step's index and cost were decoded by step(): the same values as the cells would read.
            case INDEX:
              cells[i]!.value(t.index);
              break;
            case COST:
              cells[i]!.value(t.stepCostUsd);
              break;
            case OF_STEP: {
              const v = ofStep[i]!(t);
              // A routing number that JSON has none for ("NaN", "Infinity") arrives as a string.
              cells[i]!.value(typeof v === 'string' && numeric[i] ? Number(v) : v);
              break;
            }
            default:
              cells[i]!.value(fixedValues[i]);
          }
        }
        writer.endRow();
        rows++;
      }
      return rows;
    },
  };
}

/** The JSON Lines or CSV encoder of `steps` (tests compare its one-pass rows with scanRow's). */
export function stepsTextEncoder(format: 'jsonl' | 'csv', ctx: KindContext, rubrics: unknown, opts: StepsTextOptions = {}): CopyEncoder {
  return textEncoder(format === 'jsonl' ? JSONL : CSV, ctx, COLUMNS, rubrics as Rubrics, opts);
}

export const stepsExport: CopyKindDefinition = {
  kind: 'steps',
  summary:
    'One row per step: ids, model, text, tokens, latency, router probabilities, cost and cumulative cost, rubric score, escalation and router confidence, and the trajectory’s outcome, process score and reward.',
  columns: () => COLUMNS.map(({ from: _from, ...c }) => c),
  copyQuery,
  // CSV comes out of PostgreSQL's CSV, whose step fields it takes as they are (csvFromCsv).
  copyFormat: (ctx) => (ctx.settings.format === 'csv' ? 'csv' : 'text'),
  // Without a judge only the trajectories with no stored step rubric scores are scored here (copyQuery):
  // theirs are the only criteria to read, none at all once every trajectory has its scores stored.
  prefetch: (client, ctx) => criteriaByRubric(client, trajectoryWhere(ctx.filter, ctx.settings.judge === null ? [sql`t.step_rubric_scores IS NULL`] : [])),
  encoder(ctx, _columns, prefetched) {
    const rubrics = prefetched as Rubrics;
    switch (ctx.settings.format) {
      case 'jsonl':
        return textEncoder(JSONL, ctx, COLUMNS, rubrics);
      case 'csv':
        return textEncoder(CSV, ctx, COLUMNS, rubrics, { input: 'csv' });
      case 'parquet':
        return parquetEncoder(ctx, COLUMNS, rubrics);
    }
  },
};
