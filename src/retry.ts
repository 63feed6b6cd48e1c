// Retry policy arithmetic: the back-off between attempts and an abortable wait.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Re-sends after rate-limit refusals, counted apart from `attempts`. */
  rateLimitRetries: number;
}

/** Full jitter: a uniform delay between 0 and the capped exponential bound (AWS Architecture Blog, 2015). */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * bound);
}

// setTimeout fires after 1 ms for any delay above 2^31 − 1 ms; a huge maxDelayMs must not turn into no back-off.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
