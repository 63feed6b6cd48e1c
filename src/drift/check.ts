// Drift: how a real reply differs from what the document says — fields the document does not name, documented fields
// that are missing, values of another type, values outside an enum. The vendor changes its API under its users; this
// check reports the differences and never fails a call. A finding quotes no reply text but enum values (short codes),
// so nothing a reply echoes (a URL, a usersig) reaches a report.
import { replyShapes, type ReplyShape } from '../../generated/reply-shapes.js';
import type { OperationId } from '../../generated/api-facts.js';

export type DriftKind = 'unknown-field' | 'missing-field' | 'type' | 'enum';

export interface DriftFinding {
  /** Where in the reply: `InfoItem[0].SnsProfileItem[2].Value`; `(reply)` for the reply itself. */
  path: string;
  kind: DriftKind;
  /** What the document says: a type, `one of …`, `a documented field`, `present (required)`, `present (in every successful example)`. */
  expected: string;
  /** What the reply has: a type (`string`, `integer beyond 2^53 − 1`), an enum value, `absent`. */
  actual: string;
}

/** Envelope fields a reply may leave out without it being drift (the vendor's pages show them on some services). */
const OPTIONAL_ENVELOPE = new Set(['ActionStatus', 'ErrorInfo', 'ErrorDisplay']);
const MAX_QUOTED = 32;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' && /^-?\d{16,}$/.test(value)) return 'integer beyond 2^53 − 1';
  return typeof value;
}

function matchesType(value: unknown, shape: ReplyShape): boolean {
  if (shape.type === undefined) return true;
  const types = typeof shape.type === 'string' ? [shape.type] : shape.type;
  const actual = typeOf(value);
  return types.some((type) => {
    if (type === 'integer') return actual === 'integer' || (shape.wide === true && typeof value === 'string' && /^\d+$/.test(value));
    if (type === 'number') return actual === 'integer' || actual === 'number';
    return actual === type;
  });
}

/** An enum value as a report may show it: short values only (enum values are codes), anything else by its type. */
function quote(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value.length <= MAX_QUOTED) return JSON.stringify(value);
  return `a ${typeOf(value)}`;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

function walk(value: unknown, shape: ReplyShape, path: string, findings: DriftFinding[], documentedMissing: boolean): void {
  const where = path === '' ? '(reply)' : path;
  if (!matchesType(value, shape)) {
    const expected = typeof shape.type === 'string' ? shape.type : (shape.type ?? []).join(' or ');
    findings.push({ path: where, kind: 'type', expected, actual: typeOf(value) });
    return;
  }
  if (shape.enum && !shape.enum.some((allowed) => allowed === value)) {
    findings.push({ path: where, kind: 'enum', expected: `one of ${shape.enum.map(quote).join(', ')}`, actual: quote(value) });
  }
  if (Array.isArray(value) && shape.items) {
    value.forEach((item, index) => walk(item, shape.items!, `${path}[${index}]`, findings, false));
    return;
  }
  if (value === null || typeof value !== 'object' || !shape.properties) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const property = shape.properties[key];
    if (property === undefined) findings.push({ path: join(path, key), kind: 'unknown-field', expected: 'a documented field', actual: typeOf(record[key]) });
    else walk(record[key], property, join(path, key), findings, false);
  }
  const required = new Set(shape.required ?? []);
  const expected = new Set(documentedMissing ? shape.expected ?? [] : []);
  for (const key of Object.keys(shape.properties)) {
    if (Object.hasOwn(record, key)) continue;
    if (required.has(key)) findings.push({ path: join(path, key), kind: 'missing-field', expected: 'present (required)', actual: 'absent' });
    else if (expected.has(key) && !OPTIONAL_ENVELOPE.has(key)) {
      findings.push({ path: join(path, key), kind: 'missing-field', expected: 'present (in every successful example)', actual: 'absent' });
    }
  }
}

/**
 * The differences between a parsed reply of `operation` and the document. A successful reply (ErrorCode 0) is also
 * checked for the top-level fields every successful example of the document carries; a FAIL envelope carries only
 * the envelope, so it is not.
 */
export function driftOf(operation: OperationId, reply: unknown): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const succeeded = reply !== null && typeof reply === 'object' && (reply as Record<string, unknown>)['ErrorCode'] === 0;
  walk(reply, replyShapes[operation], '', findings, succeeded);
  return findings;
}
