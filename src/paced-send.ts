// One send of an attempt under the operation's pacer: takes the turn right before the request is handed to fetch,
// reports the outcome (accepted, or a rate-limit answer) so the rate adapts, and measures the round trip. A rate-limit
// answer is sent again after the pacer's wait, from its own bounded budget: being told to slow down is not a failure
// of the call, so it must not use up the ordinary retry attempts. Without a pacer (rateLimit: false) a rate-limit
// answer is an ordinary retryable failure.
import { errorCodes } from '../generated/api-facts.js';
import { ChatApiError } from './errors.js';
import type { Pacer } from './rate-limit.js';
import type { RoundTripMeter } from './round-trip.js';

/** Re-sends of one call after rate-limit answers, beyond its ordinary attempts. */
export const DEFAULT_RATE_LIMIT_RETRIES = 10;

export interface PacedSendContext {
  pacer: Pacer | null;
  roundTrip: RoundTripMeter;
  /** Re-sends allowed after rate-limit answers (default DEFAULT_RATE_LIMIT_RETRIES). */
  rateLimitRetries?: number;
  signal?: AbortSignal | undefined;
  now?: () => number;
}

/** The least wait a reply asks for when it is a rate-limit answer; undefined when it is not one. */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (!(error instanceof ChatApiError)) return undefined;
  if (typeof error.code === 'number') {
    const facts = errorCodes[error.code];
    return facts?.rateLimit ? (facts.minRetryWaitMs ?? 0) : undefined;
  }
  return error.httpStatus === 429 ? 0 : undefined;
}

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
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function pacedSend<T>(send: () => Promise<T>, context: PacedSendContext): Promise<T> {
  const { pacer, roundTrip, signal } = context;
  const now = context.now ?? (() => performance.now());
  let budget = context.rateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
  for (;;) {
    if (pacer) await pacer.turn(signal);
    const sentAt = now();
    try {
      const reply = await send();
      roundTrip.observe(now() - sentAt);
      pacer?.accepted();
      return reply;
    } catch (error) {
      if (error instanceof ChatApiError && error.httpStatus !== undefined) roundTrip.observe(now() - sentAt);
      const minWaitMs = rateLimitWaitMs(error);
      if (!pacer || minWaitMs === undefined) throw error;
      const wait = pacer.limited(minWaitMs);
      if (budget <= 0) throw error;
      budget -= 1;
      await sleep(wait, signal);
    }
  }
}
