// The rate limiter the pipeline takes its turns from: one per operation per client. This is the interface the bulk
// work plugs into; `limiterPacer` adapts the sliding-window limiter of src/rate-limit.ts to it.
import { rateLimiter } from '../rate-limit.js';

export interface Pacer {
  /** Resolves when a request may be handed to fetch now; rejects with signal.reason on abort. */
  turn(signal?: AbortSignal): Promise<void>;
  /** A reply said "too many requests": returns the ms to wait before re-sending (≥ minWaitMs). */
  limited(minWaitMs?: number): number;
  /** A request was accepted by the server. */
  accepted(): void;
  /** Calls per second it currently allows. */
  readonly rate: number;
}

// After a refusal the window of the sliding-window limiter is full for up to one second.
const WINDOW_MS = 1000;

export function limiterPacer(callsPerSecond: number): Pacer {
  const schedule = rateLimiter(callsPerSecond);
  const granted = (): Promise<void> => Promise.resolve();
  return {
    turn: (signal) => schedule(granted, signal),
    limited: (minWaitMs = 0) => Math.max(minWaitMs, WINDOW_MS),
    accepted() {},
    rate: callsPerSecond,
  };
}
