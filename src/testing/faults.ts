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

export function faultQueue(): FaultQueue {
  let scripted: Scripted[] = [];
  return {
    add(operation, fault, times) {
      if (!Number.isSafeInteger(times) || times < 1) throw new TypeError(`inject: times must be a positive integer (got ${String(times)})`);
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
