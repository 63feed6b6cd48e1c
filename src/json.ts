// JSON for a wire format with 64-bit integers. A double holds integers exactly only up to 2^53 − 1, and the server
// sends cursors and sequences above that. The document names those fields (generated/wire-fields.ts): in replies they
// become decimal strings, always, whatever their size (one type per field, exact, JSON.stringify-safe, sent back as
// is); in requests the validator turns them into bigint, which `stringifyJson` writes as a bare JSON number.
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import type { Int64Field } from '../generated/wire-fields.js';

// A number token that JSON.parse could change: 16 or more digits (may exceed 2^53 − 1; 9007199254740991 has 16), or a
// fraction or exponent (`1e3`, `4.0` are not plain integers). A JSON number starts the text or follows `:`, `,` or `[`
// (after optional white space), so digits inside most strings do not count; a string that looks like one only sends
// the text down the exact path. Text without such a token is parsed by the engine's JSON.parse, several times faster.
const INEXACT_NUMBER = /(?:^|[:,[])\s*-?(?:\d{16}|\d+[.eE])/;
const PLAIN_INTEGER = /^-?\d+$/;

/** A number token kept as its text by the exact path, until the walk below decides what it becomes. */
class NumberText {
  constructor(readonly text: string) {}
}

function keepText(text: string): number | NumberText {
  if (PLAIN_INTEGER.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return new NumberText(text);
}

/** A reply field that breaks its wire rule (an int64 that is not an exact decimal integer in range). */
export interface ReplyFieldProblem {
  /** Dotted path of the field, e.g. `Next` or `ResultItem.0.Seq`. */
  field: string;
  /** What is wrong, quoting a short form of the value. */
  rule: string;
}

export interface ParsedReply {
  value: unknown;
  /** Problems of the int64 fields; the caller decides whether they matter (they do not in a FAIL envelope). */
  problems: ReplyFieldProblem[];
}

function quote(value: unknown): string {
  const text = value instanceof NumberText ? value.text : typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** The exact decimal form of an int64 reply value, or the reason it has none. */
function int64Text(value: unknown, field: Int64Field): { text: string } | { rule: string } {
  let digits: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) digits = BigInt(value);
  else if (value instanceof NumberText && PLAIN_INTEGER.test(value.text)) digits = BigInt(value.text);
  else if (typeof value === 'string' && PLAIN_INTEGER.test(value)) digits = BigInt(value);
  if (digits === undefined) {
    const form = value instanceof NumberText ? 'a number not in plain integer form (fraction or exponent)' : 'not an integer';
    return { rule: `is ${quote(value)}: ${form}; a 64-bit integer is sent as decimal digits` };
  }
  if (digits < BigInt(field.minimum)) return { rule: `is ${quote(value)}: below its minimum ${field.minimum}` };
  if (digits > BigInt(field.maximum)) return { rule: `is ${quote(value)}: above its maximum ${field.maximum}` };
  return { text: digits.toString() };
}

/** Calls `visit` for each value present at a field path (property names, `*` for every array item). */
export function forEachField(root: unknown, path: readonly string[], visit: (holder: Record<string, unknown>, key: string, trail: readonly string[]) => void): void {
  // One trail, grown and shrunk along the walk: a list of 40,000 accounts would otherwise allocate a trail per item.
  // `visit` may read it during the call only (copy it to keep it).
  const trail: string[] = [];
  const enter = (holder: Record<string, unknown>, key: string, depth: number): void => {
    if (holder[key] === undefined) return;
    trail.push(key);
    if (depth === path.length - 1) visit(holder, key, trail);
    else walk(holder[key], depth + 1);
    trail.pop();
  };
  const walk = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') return;
    const segment = path[depth] as string;
    const holder = node as Record<string, unknown>;
    if (segment !== '*') {
      if (Object.hasOwn(node, segment)) enter(holder, segment, depth);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) enter(holder, String(i), depth);
    }
  };
  walk(root, 0);
}

/** Replaces each int64 field in place by its decimal text, or reports why it has none. */
function convertInt64(root: unknown, field: Int64Field, problems: ReplyFieldProblem[]): void {
  forEachField(root, field.path, (holder, key, trail) => {
    const outcome = int64Text(holder[key], field);
    if ('text' in outcome) holder[key] = outcome.text;
    else problems.push({ field: trail.join('.'), rule: outcome.rule });
  });
}

/** Turns the number texts the exact path kept into values: unsafe integers into decimal strings, others into numbers. */
function settleNumbers(node: unknown): unknown {
  if (node instanceof NumberText) return PLAIN_INTEGER.test(node.text) ? BigInt(node.text).toString() : Number(node.text);
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (child !== null && typeof child === 'object') record[key] = settleNumbers(child);
  }
  return node;
}

/**
 * Parses a reply body. Each int64 field the document names becomes its decimal string ("4454685361", "0"); a value that
 * is not an exact integer in the field's range is left as it was and reported in `problems`. Elsewhere, an integer
 * beyond 2^53 − 1 (a field the document does not declare 64-bit) also becomes its decimal string rather than a rounded
 * number. `exact` takes the exact path whatever the text (it refuses a key given twice with different values, where
 * JSON.parse silently keeps the last). Throws SyntaxError when the text is not JSON.
 */
export function parseReplyJson(text: string, int64Fields: readonly Int64Field[] = [], { exact = false }: { exact?: boolean } = {}): ParsedReply {
  const problems: ReplyFieldProblem[] = [];
  if (!exact && !INEXACT_NUMBER.test(text)) {
    const value: unknown = JSON.parse(text);
    for (const field of int64Fields) convertInt64(value, field, problems);
    return { value, problems };
  }
  const value = parseLossless(text, null, keepText);
  for (const field of int64Fields) convertInt64(value, field, problems);
  return { value: settleNumbers(value), problems };
}

/** Parses JSON text without rounding: integers beyond 2^53 − 1 become decimal strings (see parseReplyJson). */
export function parseJson(text: string): unknown {
  return parseReplyJson(text).value;
}

/**
 * Serializes a request body; bigint values are written as JSON numbers with every digit. Give it the body returned by
 * the validator (validate.ts), which has refused values whose JSON would differ from what was checked.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify throws a TypeError on bigint; only bodies that carry one take the slower lossless path.
    if (!(error instanceof TypeError)) throw error;
    const text = stringifyLossless(value);
    if (text === undefined) throw error;
    return text;
  }
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`. Checked on the text, before any parser: the exact
 * parser and JSON.stringify recurse, and would fail on deep nesting with a RangeError instead of a verdict.
 */
export function nestingDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string is skipped whole (indexOf, not a character at a time: most of a reply is strings) to its closing
      // quote, the first one not escaped by an odd run of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end === -1) return false;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
