// The errors the pipeline itself raises when a call ends without a reply: the caller aborted, or time ran out.
import { ChatApiError, TransportCode } from '../errors.js';
import { isTimeoutReason } from '../attempt-signal.js';
import type { Call } from './context.js';

/**
 * The error for a call that the caller's signal ended. The caller's reason is kept as `cause` unaltered (it is the
 * caller's own value); a caller's `AbortSignal.timeout()` is reported as a timeout, not an abort.
 */
export function callerAbortError(call: Call, attempts: number): ChatApiError {
  const reason: unknown = call.callerSignal?.reason;
  if (isTimeoutReason(reason)) {
    return new ChatApiError(`${call.name}: the caller's time limit ran out`, {
      code: TransportCode.timeout, info: "the caller's signal timed out", operation: call.name, retryable: false, attempts, cause: reason,
    });
  }
  return new ChatApiError(`${call.name}: aborted by the caller`, {
    code: TransportCode.aborted, info: 'aborted by the caller', operation: call.name, retryable: false, attempts, cause: reason,
  });
}

export function attemptTimeoutError(call: Call, attempts: number, cause: unknown): ChatApiError {
  return new ChatApiError(`${call.name}: no reply within ${call.timeoutMs} ms`, {
    code: TransportCode.timeout, info: `timed out after ${call.timeoutMs} ms`, operation: call.name, retryable: true, attempts, cause,
  });
}
