// Retry: the bridge from a call to its attempts, and the one place that decides on back-off. A failure the document
// or the transport rules mark retryable is sent again after capped, jittered back-off (never sooner than the code's
// minRetryWaitMs), up to `retries` times — for an idempotent operation, or when the failure proves the request never
// reached the server. Rate refusals and expired usersigs are not its business: the throttle and sign stages inside it
// re-send those themselves and hand it only what they gave up on.
import { ChatApiError, TransportCode, describeErrorCode, isRateLimited, needsResign } from '../errors.js';
import { backoffDelay, sleep } from '../retry-policy.js';
import { isConnectionRefused } from '../connection-refused.js';
import { callerAbortError } from './failures.js';
import { callHook } from './hook-call.js';
import type { Exchange, Handler, SerializedCall } from './context.js';
import type { ClientHooks } from '../types.js';

export function retryStage(hooks: ClientHooks): (next: Exchange) => Handler<SerializedCall> {
  return (next) => async (call) => {
    const policy = call.retry;
    let sent = 0;
    for (let retries = 0; ; ) {
      let error: ChatApiError;
      try {
        return await next({ call, sent });
      } catch (thrown) {
        if (!(thrown instanceof ChatApiError)) throw thrown;
        error = thrown;
      }
      if (call.signal?.aborted && error.code !== TransportCode.aborted) throw callerAbortError(call, error.attempts);
      if (policy === false || retries >= policy.retries || !error.retryable) throw error;
      if (isRateLimited(error) || needsResign(error)) throw error;
      if (!call.idempotent && !isConnectionRefused(error)) throw error;
      retries += 1;
      const advice = typeof error.code === 'number' ? describeErrorCode(error.code, call.name) : undefined;
      const delayMs = Math.max(advice?.minRetryWaitMs ?? 0, backoffDelay(retries, policy));
      await callHook(hooks.onRetry, { operation: call.name, path: call.path, attempt: error.attempts, reason: 'error', error, delayMs });
      try {
        await sleep(delayMs, call.signal);
      } catch {
        throw callerAbortError(call, error.attempts);
      }
      sent = error.attempts;
    }
  };
}
