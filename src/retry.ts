// Runs an attempt again while the failure is one the document (or the transport rules) marks retryable, with capped
// exponential back-off and full jitter, and renews a stale usersig once when the server says it expired.
import { ChatApiError, TransportCode, describeErrorCode } from './errors.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryHooks {
  /** Called on ErrorCode 70001 (and the like); true when a fresh usersig will be used by the next attempt. */
  renewUserSig(): boolean;
  signal?: AbortSignal | undefined;
}

/** Full jitter: a uniform delay between 0 and the capped exponential bound (AWS Architecture Blog, 2015). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * bound);
}

// setTimeout fires after 1 ms for any delay above 2^31 − 1 ms; a huge maxDelayMs must not turn into no back-off.
const MAX_TIMER_MS = 2 ** 31 - 1;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortedError(operation: string, attempts: number, cause: unknown): ChatApiError {
  return new ChatApiError(`${operation}: aborted by the caller`, {
    code: TransportCode.aborted, info: 'aborted by the caller', operation, retryable: false, attempts, cause,
  });
}

export async function withRetries<T>(
  operation: string,
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  let attempts = 0;
  let retries = 0;
  let renewed = false;
  for (;;) {
    attempts += 1;
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ChatApiError)) {
        // The rate limiter rejects a call that is still waiting for its turn with the signal's reason.
        if (hooks.signal?.aborted) throw abortedError(operation, attempts, error);
        throw error;
      }
      error.attempts = attempts;
      if (error.code === TransportCode.aborted) throw error;
      const resign = typeof error.code === 'number' && describeErrorCode(error.code).resign;
      // A renewed usersig is a different request, not a repeat of a failing one, so it does not use up an attempt.
      if (resign && !renewed && hooks.renewUserSig()) {
        renewed = true;
        continue;
      }
      if (!error.retryable || retries + 1 >= policy.attempts) throw error;
      retries += 1;
      try {
        await sleep(backoffDelay(retries, policy), hooks.signal);
      } catch (reason) {
        throw abortedError(operation, attempts, reason);
      }
    }
  }
}
