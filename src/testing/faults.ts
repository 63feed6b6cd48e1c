// Scripted misbehaviour: "the next N calls of operation X answer like this". Faults are used in the order they were
// added; each is consumed by the calls it applies to.
import type { OperationId } from '../../generated/api-facts.js';

export type Fault =
  /** A FAIL envelope with this ErrorCode (HTTP 200, as the vendor sends every business error). */
  | number
  | { code: number; info?: string }
  /** A reply with this HTTP status and body (a gateway error page by default); with 200, any garbled reply. */
  | { httpStatus: number; body?: string; contentType?: string }
  /** The connection is dropped without a reply. */
  | { reset: true }
  /** No reply until the caller gives up. */
  | { hang: true }
  /** An extra delay, then the normal answer. */
  | { delayMs: number };

interface Scripted {
  operation: OperationId | '*';
  fault: Fault;
  remaining: number;
}

export interface FaultQueue {
  add(operation: OperationId | '*', fault: Fault, times: number): void;
  /** The fault for the next call of `operation`, consuming one use; undefined when none applies. */
  take(operation: OperationId): Fault | undefined;
  clear(): void;
  readonly pending: number;
}

const isCode = (value: unknown): boolean => Number.isSafeInteger(value);
// What an HTTP header value may hold (as Node's http checks it): tab, printable ASCII and Latin-1, no CR, LF or NUL.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const SHAPES = 'an ErrorCode, { code }, { httpStatus: 200–599 }, { reset: true }, { hang: true } or { delayMs ≥ 0 }';

/**
 * What is wrong with `fault`, naming the field and the rule; undefined when it is one of the shapes above. Faults
 * also arrive as JSON over the server's control endpoint, so every field is checked here, before it is queued,
 * rather than failing at the call it applies to.
 */
export function faultProblem(fault: unknown): string | undefined {
  if (isCode(fault)) return undefined;
  if (fault === null || typeof fault !== 'object' || Array.isArray(fault)) return `fault must be ${SHAPES} (got ${JSON.stringify(fault)})`;
  const f = fault as Record<string, unknown>;
  if ('code' in f) {
    if (!isCode(f['code'])) return `fault.code must be an integer ErrorCode (got ${JSON.stringify(f['code'])})`;
    if (f['info'] !== undefined && typeof f['info'] !== 'string') return `fault.info must be a string (got ${JSON.stringify(f['info'])})`;
    return undefined;
  }
  if ('httpStatus' in f) {
    const status = f['httpStatus'];
    if (!isCode(status) || (status as number) < 200 || (status as number) > 599) return `fault.httpStatus must be an integer from 200 to 599 (got ${JSON.stringify(status)})`;
    if (f['body'] !== undefined && typeof f['body'] !== 'string') return `fault.body must be a string (got ${JSON.stringify(f['body'])})`;
    const type = f['contentType'];
    if (type !== undefined && (typeof type !== 'string' || !HEADER_VALUE.test(type))) {
      return `fault.contentType must be a header value: printable Latin-1 text without CR, LF or other control characters (got ${JSON.stringify(type)})`;
    }
    return undefined;
  }
  if ('delayMs' in f) {
    const ms = f['delayMs'];
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? undefined : `fault.delayMs must be a finite number ≥ 0 (got ${JSON.stringify(ms)})`;
  }
  if (f['reset'] === true || f['hang'] === true) return undefined;
  return `fault must be ${SHAPES} (got ${JSON.stringify(fault)})`;
}

export function faultQueue(): FaultQueue {
  let scripted: Scripted[] = [];
  return {
    add(operation, fault, times) {
      if (!Number.isSafeInteger(times) || times < 1) throw new TypeError(`inject: times must be a positive integer (got ${String(times)})`);
      const problem = faultProblem(fault);
      if (problem) throw new TypeError(`inject: ${problem}`);
      scripted.push({ operation, fault, remaining: times });
    },
    take(operation) {
      const found = scripted.find((entry) => entry.operation === '*' || entry.operation === operation);
      if (!found) return undefined;
      found.remaining -= 1;
      if (found.remaining === 0) scripted = scripted.filter((entry) => entry !== found);
      return found.fault;
    },
    clear() {
      scripted = [];
    },
    get pending() {
      return scripted.reduce((sum, entry) => sum + entry.remaining, 0);
    },
  };
}
