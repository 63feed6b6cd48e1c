// The signal of one attempt: aborts when the attempt's time is up or when the caller's signal aborts, and says which.
export interface AttemptSignal {
  signal: AbortSignal;
  /** Why it aborted, if it did. */
  reason(): 'timeout' | 'aborted' | undefined;
  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void;
}

// setTimeout fires after 1 ms for any delay above 2^31 − 1 ms (~24.8 days); a longer limit means no practical limit.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function attemptSignal(timeoutMs: number, callerSignal: AbortSignal | undefined): AttemptSignal {
  const controller = new AbortController();
  let why: 'timeout' | 'aborted' | undefined;
  const onCallerAbort = (): void => {
    why ??= 'aborted';
    controller.abort(callerSignal?.reason);
  };
  const timer = setTimeout(() => {
    why ??= 'timeout';
    controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, Math.min(timeoutMs, MAX_TIMER_MS));
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    reason: () => why,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
