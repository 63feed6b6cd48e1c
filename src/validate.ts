// Checks a request body before anything is sent and returns the body to serialize. Three layers, each naming the
// field and the rule it breaks (ChatApiError INVALID_REQUEST, nothing sent):
// 1. JSON values only: a Date, a boxed number, a Map, an object with toJSON or with a prototype of its own would be
//    checked as one thing and sent as another, so they are refused, as are cycles, nesting deeper than MAX_DEPTH,
//    NaN/Infinity and whole numbers beyond 2^53 − 1 (already rounded when they reach us). The body is copied as it is
//    read, so a getter or a later change cannot make the bytes sent differ from the bytes checked.
// 2. The wire rules JSON Schema cannot state exactly (generated/wire-fields.ts): 64-bit integers as decimal string,
//    bigint or safe-integer number within their exact range (turned into bigint, written as bare JSON numbers), and
//    UTF-8 byte limits (`x-max-utf8-bytes`, e.g. the vendor's 32-byte UserID).
// 3. The document's schema, with the validators generated from it at build time (generated/validators.ts).
import { requestValidators, type RequestValidationError } from '../generated/validators.js';
import { wireFields, type Int64Field, type ByteLimitedField } from '../generated/wire-fields.js';
import type { OperationId } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';
import { forEachField } from './json.js';

/** Nesting deeper than this is refused: the document's bodies are a few levels deep, and a recursive walk must end. */
export const MAX_DEPTH = 64;

interface Problem {
  field: string;
  rule: string;
}

const fieldName = (trail: readonly (string | number)[]): string => (trail.length === 0 ? 'body' : trail.join('.'));

function describeObject(value: object): string {
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype of its own';
}

/** Copies a body that is made of JSON values only, or reports the first value that is not one. */
function copyJsonValue(root: unknown): { value: unknown } | { problem: Problem } {
  const ancestors = new Set<object>();
  // One trail, grown and shrunk along the walk, read only when a problem is found: a trail per value would cost more
  // than the copy itself for a list of 40,000 accounts.
  const trail: (string | number)[] = [];
  let problem: Problem | undefined;
  const fail = (rule: string): undefined => {
    problem ??= { field: fieldName(trail), rule };
    return undefined;
  };
  const copy = (value: unknown, inArray: boolean): unknown => {
    if (problem) return undefined;
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'bigint':
        return value;
      case 'number':
        if (!Number.isFinite(value)) return fail(`is ${value}, which JSON cannot carry (it would be sent as null)`);
        if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
          // The exact value the double holds (2 ** 60 + 1 shows as 1152921504606846976), not its shortest rounding.
          return fail(`is ${BigInt(value)}, beyond 2^53 − 1, where a number has already lost digits; pass a bigint or a decimal string`);
        }
        return value;
      case 'undefined':
        // An absent property is what `{ Next: undefined }` means to both the validator and JSON.stringify; an array
        // slot would be sent as null.
        return inArray ? fail('is undefined (an array item must be a JSON value)') : undefined;
      case 'function':
      case 'symbol':
        return fail(`is a ${typeof value}, not a JSON value`);
    }
    if (value === null) return null;
    const object = value as object;
    if (trail.length >= MAX_DEPTH) return fail(`is nested deeper than ${MAX_DEPTH} levels`);
    if (ancestors.has(object)) return fail('refers back to an enclosing value (the body is cyclic)');
    const isArray = Array.isArray(object);
    const prototype: unknown = Object.getPrototypeOf(object);
    if (isArray ? prototype !== Array.prototype : prototype !== Object.prototype && prototype !== null) {
      return fail(`is ${describeObject(object)}, not a plain ${isArray ? 'array' : 'object'}: its JSON would differ from what is checked`);
    }
    if ('toJSON' in object) return fail('has a toJSON method: its JSON would differ from what is checked');
    ancestors.add(object);
    try {
      if (isArray) {
        const items = object as unknown[];
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length && !problem; i++) {
          trail.push(i);
          out[i] = copy(items[i], true);
          trail.pop();
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        trail.push(key);
        const child = copy((object as Record<string, unknown>)[key], false);
        trail.pop();
        if (problem) break;
        if (child === undefined) continue;
        // `__proto__` as an own key is data in JSON; plain assignment would set the copy's prototype instead.
        if (key === '__proto__') Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true });
        else out[key] = child;
      }
      return out;
    } finally {
      ancestors.delete(object);
    }
  };
  const value = copy(root, false);
  return problem ? { problem } : { value };
}

/** Turns each int64 field into a bigint within its range, or reports why it cannot be sent exactly. */
function checkInt64(body: unknown, field: Int64Field, problems: Problem[]): void {
  forEachField(body, field.path, (holder, key, trail) => {
    const value = holder[key];
    let exact: bigint | undefined;
    if (typeof value === 'bigint') exact = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) exact = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) exact = BigInt(value);
    const name = fieldName(trail);
    if (exact === undefined) {
      const rule = typeof value === 'number'
        ? Number.isInteger(value) ? 'is an unsafe number (beyond 2^53 − 1 it has already lost digits): pass a decimal string or a bigint' : 'must be integer'
        : 'must be a decimal string, a bigint or a safe-integer number';
      problems.push({ field: name, rule: `${rule} (int64)` });
      return;
    }
    if (exact < BigInt(field.minimum)) problems.push({ field: name, rule: `must be >= ${field.minimum} (minimum)` });
    else if (exact > BigInt(field.maximum)) problems.push({ field: name, rule: `must be <= ${field.maximum} (maximum)` });
    else holder[key] = exact;
  });
}

/**
 * What the generated validators see: the body with each int64 field (a bigint after checkInt64) as a number. The
 * validators are the document's schema, wire types included, so they check `type: integer`, which a bigint is not;
 * the exact range was checked above, and a double near the field's bounds compares as the document's bound does.
 */
function schemaView(wire: unknown, int64: readonly Int64Field[]): unknown {
  let view = wire;
  for (const field of int64) {
    const copyAlong = (node: unknown, depth: number): unknown => {
      if (node === null || typeof node !== 'object') return node;
      const segment = field.path[depth] as string;
      const keys = segment === '*' ? (Array.isArray(node) ? node.map((_, i) => i) : []) : Object.hasOwn(node, segment) ? [segment] : [];
      if (keys.length === 0) return node;
      const copy = (Array.isArray(node) ? [...(node as unknown[])] : { ...(node as Record<string, unknown>) }) as Record<string | number, unknown>;
      for (const key of keys) {
        const child = copy[key];
        copy[key] = depth === field.path.length - 1 ? (typeof child === 'bigint' ? Number(child) : child) : copyAlong(child, depth + 1);
      }
      return copy;
    };
    view = copyAlong(view, 0);
  }
  return view;
}

/**
 * The length of a string in UTF-8, as TextEncoder would write it (a lone surrogate becomes U+FFFD, 3 bytes), counted
 * without encoding: a list of 40,000 UserIDs would otherwise allocate 40,000 buffers.
 */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function checkBytes(body: unknown, field: ByteLimitedField, problems: Problem[]): void {
  forEachField(body, field.path, (holder, key, trail) => {
    const value = holder[key];
    // Every UTF-16 unit is at most 3 UTF-8 bytes, so most strings need no counting to pass.
    if (typeof value !== 'string' || value.length * 3 <= field.maxBytes) return;
    const bytes = utf8Length(value);
    if (bytes > field.maxBytes) problems.push({ field: fieldName(trail), rule: `must be at most ${field.maxBytes} bytes in UTF-8, is ${bytes} (x-max-utf8-bytes)` });
  });
}

function fieldOf(error: RequestValidationError): string {
  const missing = error.params['missingProperty'] ?? error.params['additionalProperty'];
  const path = typeof missing === 'string' ? `${error.instancePath}/${missing}` : error.instancePath;
  return path === '' ? 'body' : path.slice(1).replaceAll('/', '.');
}

function ruleOf(error: RequestValidationError): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field of this request';
    default:
      return error.message ?? `breaks the ${error.keyword} rule`;
  }
}

function invalid(operation: string, problems: readonly Problem[]): ChatApiError {
  const info = [...new Set(problems.map((p) => `${p.field} ${p.rule}`))].join('; ');
  return new ChatApiError(`${operation}: invalid request, nothing was sent: ${info}`, {
    code: TransportCode.invalidRequest,
    info,
    operation,
    retryable: false,
    attempts: 0,
  });
}

/** A request body that passed the checks: plain JSON data, int64 fields as bigint. Serialize it with stringifyJson. */
export type WireBody = Record<string, unknown>;

/**
 * Checks a body against the JSON-value rules only, for a path the document does not describe; returns the copy to
 * serialize. Throws ChatApiError (INVALID_REQUEST) naming the field and the rule.
 */
export function assertJsonBody(operation: string, body: unknown): unknown {
  const copied = copyJsonValue(body);
  if ('problem' in copied) throw invalid(operation, [copied.problem]);
  return copied.value;
}

/**
 * Checks a body against every rule of the operation and returns the body to serialize (a copy: int64 fields as bigint).
 * Throws ChatApiError (INVALID_REQUEST, 0 attempts) naming each bad field and its rule.
 */
export function assertValidRequest(operation: OperationId, body: unknown): WireBody {
  const copied = copyJsonValue(body);
  if ('problem' in copied) throw invalid(operation, [copied.problem]);
  const wire = copied.value;
  const fields = wireFields[operation];
  const problems: Problem[] = [];
  for (const field of fields.requestInt64) checkInt64(wire, field, problems);
  const validate = requestValidators[operation];
  if (!validate(schemaView(wire, fields.requestInt64))) {
    const flagged = new Set(problems.map((p) => p.field));
    for (const error of validate.errors ?? []) {
      const field = fieldOf(error);
      // An int64 field the check above refused (e.g. a string it could not read) is reported once, by that check.
      if (!flagged.has(field)) problems.push({ field, rule: `${ruleOf(error)} (${error.keyword})` });
    }
  }
  const schemaFlagged = new Set(problems.map((p) => p.field));
  const byteProblems: Problem[] = [];
  for (const field of fields.requestMaxBytes) checkBytes(wire, field, byteProblems);
  problems.push(...byteProblems.filter((p) => !schemaFlagged.has(p.field)));
  if (problems.length > 0) throw invalid(operation, problems);
  return wire as WireBody;
}
