// The retry policy, in one place: what each budget counts, its defaults, how a caller's value is checked, and the
// waits. Each budget is spent by the one stage that owns its kind of failure:
// - `retries`: the retry stage, after a failure the document or the transport rules mark retryable (back-off);
// - `rateLimitResends`: the throttle stage, after the server refused the call for its rate;
// - `maxRetryAfterMs`: the throttle stage, the longest Retry-After it waits for;
// - an expired usersig is re-signed and sent again at most once by the sign stage (no option).
// `retry: false` sends each call once: no retries, no re-sends, no re-sign.
import type { RetryOptions } from './types.js';

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  rateLimitResends: number;
  maxRetryAfterMs: number;
}

// Two minutes: twice the longest wait the document asks for (60 s after 70050) and above the Retry-After of common
// gateways (30–60 s), yet short enough that a service's request fails in bounded time instead of sleeping for the
// hours or days a misconfigured server may announce.
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

// Twenty re-sends after rate refusals: each waits for a permit from the quota, so re-sends never raise the rate a
// client sends at; the budget only decides when a call gives up. Sixteen instances without a shared quota against a
// server at half the documented rate had a chunk refused 11 times in a row in 4 runs of 12, which failed a whole split
// call of 20,000 accounts (bench/RESULTS.md, several instances); with 20, none in 6.
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 5000, rateLimitResends: 20, maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS };

// Names of earlier versions, with what replaces them: a renamed option fails loudly rather than being ignored.
const RENAMED: Record<string, string> = {
  attempts: 'retries (retries after the first attempt: attempts − 1)',
  rateLimitRetries: 'rateLimitResends',
};

const KNOWN = new Set(['retries', 'baseDelayMs', 'maxDelayMs', 'rateLimitResends', 'maxRetryAfterMs']);

/**
 * Checks a retry policy and fills it over `base` (the defaults, or the client's policy for a call's override).
 * `where` names the option in messages (`createChatClient: options.retry`, `call options: retry`).
 */
export function resolveRetry(value: unknown, base: RetryPolicy | false, where: string): RetryPolicy | false {
  const fail = (field: string, rule: string, got?: unknown): never => {
    const shown = got === undefined ? '' : ` (got ${String(got)})`;
    throw new TypeError(`${where}${field} ${rule}${shown}`);
  };
  if (value === false) return false;
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) fail('', 'must be an object or false', value);
  const retry = (value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(retry)) {
    if (Object.hasOwn(RENAMED, key)) fail(`.${key}`, `was renamed: use .${RENAMED[key] as string}`);
    if (!KNOWN.has(key)) fail(`.${key}`, `is not an option (known: ${[...KNOWN].join(', ')})`);
  }
  const from = base === false ? { ...DEFAULT_RETRY, retries: 0, rateLimitResends: 0 } : base;
  const integer = (field: string, fallback: number): number => {
    const given = retry[field];
    if (given === undefined) return fallback;
    if (!Number.isSafeInteger(given) || (given as number) < 0) fail(`.${field}`, 'must be an integer ≥ 0', given);
    return given as number;
  };
  const duration = (field: string, fallback: number): number => {
    const given = retry[field];
    if (given === undefined) return fallback;
    if (typeof given !== 'number' || !Number.isFinite(given) || given < 0) fail(`.${field}`, 'must be a finite number of ms ≥ 0', given);
    return given as number;
  };
  const baseDelayMs = duration('baseDelayMs', from.baseDelayMs);
  const maxDelayMs = duration('maxDelayMs', Math.max(from.maxDelayMs, baseDelayMs));
  if (maxDelayMs < baseDelayMs) fail('.maxDelayMs', `must be ≥ ${where}.baseDelayMs`, maxDelayMs);
  return {
    retries: integer('retries', from.retries),
    baseDelayMs,
    maxDelayMs,
    rateLimitResends: integer('rateLimitResends', from.rateLimitResends),
    maxRetryAfterMs: duration('maxRetryAfterMs', from.maxRetryAfterMs),
  };
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
    // No wait is no timer: a zero back-off goes on in this turn of the event loop, not after the timers' next tick.
    if (ms <= 0) return resolve();
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
