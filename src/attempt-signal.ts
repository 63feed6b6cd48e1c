// The signal of one attempt: aborts when the attempt's time is up or when the caller's signal aborts, and says which.
// It also races promises against itself, so an attempt ends on time even when a custom fetch ignores the signal or
// a body read never settles (a dropped abort link in undici, a server that stops sending).

export type AbortKind = 'timeout' | 'aborted';

export interface AttemptSignal {
  signal: AbortSignal;
  /** Why it aborted, if it did: the attempt's time limit or the caller's `AbortSignal.timeout()` is a timeout. */
  reason(): AbortKind | undefined;
  /** Settles like `promise`, or rejects with the abort reason as soon as the signal aborts, whichever is first. */
  race<T>(promise: Promise<T>): Promise<T>;
  /** Stops the timer and lets go of the call's signal. */
  dispose(): void;
}

// setTimeout fires after 1 ms for any delay above 2^31 − 1 ms (~24.8 days); a longer limit means no practical limit.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether an abort reason is a timeout (`AbortSignal.timeout()` aborts with a `TimeoutError` DOMException). */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

/** A signal of our own that follows another, and the way to let go of it. */
export interface FollowingSignal {
  readonly signal: AbortSignal;
  /** Removes the one listener it put on the followed signal: call it when the work the signal guards has ended. */
  dispose(): void;
}

/** The calls and walks in flight on one source signal: they share a single listener on it. */
interface Relay {
  readonly followers: Set<AbortController>;
  readonly onAbort: () => void;
}

// Keyed weakly by the source signal: an entry lives while something follows the signal, and is deleted with the last
// follower. One listener per signal, whatever the number of calls in flight on it (EventTarget warns past 10).
const relays = new WeakMap<AbortSignal, Relay>();

/**
 * A signal that aborts with `source`'s reason when `source` aborts, and the way to let go of it. Everything that follows
 * one source shares one listener on it, removed when the last follower is disposed: a signal shared by a service's
 * calls holds nothing of the calls that are over, and one listener however many are in flight. (AbortSignal.any would
 * keep bookkeeping in `source` for every signal derived from it, until `source` is dropped.)
 */
export function followSignal(source: AbortSignal): FollowingSignal {
  const controller = new AbortController();
  if (source.aborted) {
    controller.abort(source.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  let relay = relays.get(source);
  if (!relay) {
    const followers = new Set<AbortController>();
    const onAbort = (): void => {
      relays.delete(source);
      for (const follower of followers) follower.abort(source.reason);
      followers.clear();
    };
    relay = { followers, onAbort };
    relays.set(source, relay);
    source.addEventListener('abort', onAbort, { once: true });
  }
  const { followers, onAbort } = relay;
  followers.add(controller);
  return {
    signal: controller.signal,
    dispose: () => {
      if (!followers.delete(controller) || followers.size > 0) return;
      source.removeEventListener('abort', onAbort);
      if (relays.get(source)?.followers === followers) relays.delete(source);
    },
  };
}

export function attemptSignal(timeoutMs: number, callSignal: AbortSignal | undefined): AttemptSignal {
  const limit = new AbortController();
  const timer = setTimeout(() => {
    limit.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, Math.min(timeoutMs, MAX_TIMER_MS));
  const onCallAbort = (): void => limit.abort(callSignal?.reason);
  if (callSignal?.aborted) limit.abort(callSignal.reason);
  else callSignal?.addEventListener('abort', onCallAbort, { once: true });
  const signal = limit.signal;
  return {
    signal,
    reason() {
      if (callSignal?.aborted) return isTimeoutReason(callSignal.reason) ? 'timeout' : 'aborted';
      return limit.signal.aborted ? 'timeout' : undefined;
    },
    race<T>(promise: Promise<T>): Promise<T> {
      if (signal.aborted) {
        promise.catch(() => {}); // it may still reject later; nobody waits for it any more
        return Promise.reject(signal.reason);
      }
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    },
    dispose() {
      clearTimeout(timer);
      callSignal?.removeEventListener('abort', onCallAbort);
    },
  };
}
