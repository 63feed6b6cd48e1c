// The client's `onDrift` option: every reply read from the wire for a documented operation is compared with the
// document (check.ts) and the differences, if any, are handed to the callback. The check runs beside the call and
// never changes its outcome: a reply that is not JSON is left to the envelope check, and an exception thrown by the
// callback is swallowed (a report must not fail the call it reports on).
import { parseJson } from '../json.js';
import type { OperationId } from '../../generated/api-facts.js';
import { driftOf, type DriftFinding } from './check.js';
import type { Send } from '../pipeline/context.js';

export interface DriftReport {
  /** The operationId. */
  operation: OperationId;
  path: string;
  /** 1-based attempt number within the call. */
  attempt: number;
  /** The reply's ErrorCode, when it has one. */
  errorCode: number | undefined;
  findings: DriftFinding[];
}

export type DriftListener = (report: DriftReport) => void;

/** Checks the `onDrift` option. */
export function resolveDriftListener(value: unknown): DriftListener | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError('createChatClient: options.onDrift must be a function');
  return value as DriftListener | undefined;
}

/** Wraps the send step: each 2xx reply of a documented operation is checked and reported when it drifts. */
export function watchDrift(listener: DriftListener | undefined): (send: Send) => Send {
  return (send) => {
    if (listener === undefined) return send;
    return async (attempt) => {
      const raw = await send(attempt);
      const { operation, path } = attempt.call;
      if (operation !== undefined && raw.status >= 200 && raw.status <= 299) report(listener, operation, path, attempt.sent + 1, raw.text);
      return raw;
    };
  };
}

function report(listener: DriftListener, operation: OperationId, path: string, attempt: number, text: string): void {
  let reply: unknown;
  try {
    reply = parseJson(text);
  } catch {
    return;
  }
  const findings = driftOf(operation, reply);
  if (findings.length === 0) return;
  const code = reply !== null && typeof reply === 'object' ? (reply as Record<string, unknown>)['ErrorCode'] : undefined;
  try {
    listener({ operation, path, attempt, errorCode: typeof code === 'number' ? code : undefined, findings });
  } catch {
    // The listener's own failure is its concern; the call goes on.
  }
}
