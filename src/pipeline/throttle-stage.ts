// Throttle: the quota's owner. Before each request it takes a permit for the operation's lane (before the attempt's
// time limit starts; the caller's signal ends the wait), and afterwards it tells the quota how the server answered.
// When the server refuses the call for its rate (a code the document marks rate-limit, or HTTP 429) it re-sends the
// request on a new permit, up to `rateLimitResends` times. A Retry-After (HTTP 429 or 503) holds every request of the
// operation until then — up to `maxRetryAfterMs`; a longer one fails the call at once, with `retryAfterMs` on the
// error, rather than sleeping for as long as a server cares to say.
import { ChatApiError, describeErrorCode, isRateLimited } from '../errors.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, backoffDelay, sleep } from '../retry-policy.js';
import { callerAbortError } from './failures.js';
import { callHook } from './hook-call.js';
import type { Call, Exchange, SignedAttempt } from './context.js';
import type { Flow } from './flow.js';
import type { ClientHooks, Quota, QuotaLane, QuotaVerdict } from '../types.js';

export interface ThrottleDeps {
  quota: Quota;
  flowOf(call: Call): Flow;
  hooks: ClientHooks;
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
}

export function throttleStage(deps: ThrottleDeps): (next: Exchange<SignedAttempt>) => Exchange<SignedAttempt> {
  const now = deps.now ?? (() => performance.now());
  // Per path: when the server's last Retry-After ends. One number per path the client calls: bounded.
  const heldUntil = new Map<string, number>();
  // Re-sends after rate refusals, per call: a retry or a re-sign brings the call back through this stage, and the
  // budget is the call's, not each attempt's. Weakly held: an entry goes with its call.
  const resendsOf = new WeakMap<Call, number>();

  const report = (lane: QuotaLane, verdict: QuotaVerdict, roundTripMs: number): void => {
    const failed = (error: unknown): void => {
      // A hook that fails (throws or rejects) while reporting a failure has nobody left to tell.
      Promise.resolve()
        .then(() => deps.hooks.onQuotaError?.({ lane, error }))
        .catch(() => {});
    };
    try {
      const pending = deps.quota.report(lane, verdict, roundTripMs);
      if (pending !== undefined) pending.catch(failed);
    } catch (error) {
      failed(error);
    }
  };

  const permit = async (call: Call, lane: QuotaLane | undefined, sent: number): Promise<void> => {
    try {
      const hold = (heldUntil.get(call.path) ?? 0) - now();
      if (hold > 0) await sleep(hold, call.signal);
      if (lane) await deps.quota.take(lane, call.signal);
    } catch (reason) {
      if (call.signal?.aborted) throw callerAbortError(call, sent);
      throw reason;
    }
  };

  return (next) => async (first) => {
    const { call } = first;
    const { lane, roundTrip } = deps.flowOf(call);
    const policy = call.retry;
    let attempt = first;
    for (;;) {
      await permit(call, lane, attempt.sent);
      const sentAt = now();
      let error: ChatApiError;
      try {
        const envelope = await next(attempt);
        const tookMs = now() - sentAt;
        roundTrip.observe(tookMs);
        if (lane) report(lane, 'accepted', tookMs);
        return envelope;
      } catch (thrown) {
        // Without a reply (time-out, network, abort) the server's verdict is unknown: nothing to report.
        if (!(thrown instanceof ChatApiError) || thrown.httpStatus === undefined) throw thrown;
        error = thrown;
      }
      const tookMs = now() - sentAt;
      roundTrip.observe(tookMs);
      const refused = isRateLimited(error);
      if (lane) report(lane, refused ? 'refused' : 'accepted', tookMs);
      const maxRetryAfterMs = policy === false ? DEFAULT_MAX_RETRY_AFTER_MS : policy.maxRetryAfterMs;
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > maxRetryAfterMs) {
          // Without retries nothing was going to wait: the error stays as the server's answer made it.
          if (policy === false) throw error;
          throw error.with({
            retryable: false,
            message: `${error.message} (Retry-After ${error.retryAfterMs} ms is above retry.maxRetryAfterMs ${maxRetryAfterMs} ms: not waited for)`,
          });
        }
        heldUntil.set(call.path, Math.max(heldUntil.get(call.path) ?? 0, now() + error.retryAfterMs));
      }
      const resends = (resendsOf.get(call) ?? 0) + 1;
      if (!refused || policy === false || resends > policy.rateLimitResends) throw error;
      resendsOf.set(call, resends);
      // The quota holds the next permit until the server's window has room; a documented minimum wait comes first.
      // Without a lane (rateLimit: false) nothing slows the re-sends down but back-off.
      const minWaitMs = (typeof error.code === 'number' ? describeErrorCode(error.code, call.name).minRetryWaitMs : null) ?? 0;
      const delayMs = Math.max(minWaitMs, lane ? 0 : backoffDelay(resends, policy), error.retryAfterMs ?? 0);
      await callHook(deps.hooks.onRetry, { operation: call.name, path: call.path, attempt: error.attempts, reason: 'rateLimit', error, delayMs });
      try {
        if (delayMs > 0) await sleep(delayMs, call.signal);
      } catch {
        throw callerAbortError(call, error.attempts);
      }
      attempt = { ...attempt, sent: error.attempts };
    }
  };
}
