// Retry decision: after an attempt fails, decide whether and when to send the call again.
// - A refusal for rate (a code the document marks rateLimit, HTTP 429) waits what the pacer says (at least the
//   code's minRetryWaitMs or the server's Retry-After) and is re-sent from its own budget, not the attempts.
// - An expired usersig (a `resign` code) is re-signed and re-sent once, when a fresh sig can be had.
// - Any other failure the document or the transport rules mark retryable is retried with capped, jittered back-off
//   (never sooner than the code's minRetryWaitMs), but only for an idempotent operation, or when the failure proves
//   the request did not execute.
import { stringifyJson } from '../json.js';
import { ChatApiError, TransportCode, countAttempts, describeErrorCode } from '../errors.js';
import { backoffDelay, sleep } from '../retry.js';
import { callerAbortError } from './failures.js';
import type { Attempt, Call, Exchange, Handler } from './context.js';
import type { Pacer } from '../quota/pacer.js';
import type { ClientHooks, RetryEvent } from './hooks.js';

export interface RetryDeps {
  pacerOf(call: Call): Pacer | undefined;
  /** Signs a new usersig after `rejected` was called expired; false when none can be had (pre-made, or the same). */
  renewUserSig(rejected: string | undefined): Promise<boolean>;
  hooks: ClientHooks;
}

/** Whether the server refused the call for its rate. */
export function isRateLimited(error: ChatApiError, operation: string): boolean {
  if (typeof error.code === 'number' && describeErrorCode(error.code, operation).rateLimit) return true;
  return error.httpStatus === 429;
}

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let cause = error, depth = 0; cause instanceof Error && depth < 6; cause = cause.cause, depth++) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** Failures after which the request provably did not execute, so even a non-idempotent call may be re-sent. */
function provablyNotExecuted(error: ChatApiError, operation: string): boolean {
  if (isRateLimited(error, operation)) return true;
  if (typeof error.code === 'number' && describeErrorCode(error.code, operation).resign) return true;
  return error.code === TransportCode.network && causeCodes(error).includes('ECONNREFUSED');
}

function serialize(call: Call): string {
  try {
    return stringifyJson(call.body);
  } catch (cause) {
    throw new ChatApiError(`${call.name}: invalid request, nothing was sent: the body cannot be written as JSON`, {
      code: TransportCode.invalidRequest, info: 'the body cannot be written as JSON', operation: call.name, retryable: false, attempts: 0, cause,
    });
  }
}

export function retryStage(deps: RetryDeps): (next: Exchange) => Handler {
  return (next) => async (call) => {
    const json = serialize(call);
    const policy = call.retry;
    let sent = 0;
    let retries = 0;
    let rateLimitRetries = 0;
    let renewed = false;
    for (let number = 1; ; number++) {
      const attempt: Attempt = { call, json, number, sent: false };
      try {
        return await next(attempt);
      } catch (thrown) {
        if (attempt.sent) sent += 1;
        if (call.signal?.aborted) throw callerAbortError(call, sent);
        if (!(thrown instanceof ChatApiError)) throw thrown;
        const error = countAttempts(thrown, sent);
        if (policy === false || error.code === TransportCode.aborted) throw error;
        const retry = async (reason: RetryEvent['reason'], delayMs: number): Promise<void> => {
          deps.hooks.onRetry?.({ operation: call.name, path: call.path, attempt: number, reason, error, delayMs });
          try {
            if (delayMs > 0) await sleep(delayMs, call.signal);
          } catch {
            throw callerAbortError(call, sent);
          }
        };
        const advice = typeof error.code === 'number' ? describeErrorCode(error.code, call.name) : undefined;
        if (advice?.resign) {
          // A renewed usersig is a different request, not a repeat of a failing one: it uses up no attempt.
          if (!renewed && (await deps.renewUserSig(attempt.userSig))) {
            renewed = true;
            await retry('resign', 0);
            continue;
          }
          throw error;
        }
        if (isRateLimited(error, call.name)) {
          if (rateLimitRetries >= policy.rateLimitRetries) throw error;
          rateLimitRetries += 1;
          const minWaitMs = Math.max(advice?.minRetryWaitMs ?? 0, error.retryAfterMs ?? 0);
          const pacer = deps.pacerOf(call);
          // Without a pacer (rateLimit: false) nothing slows the re-sends down but the back-off.
          pacer?.refused();
          await retry('rateLimit', pacer ? Math.max(1000, minWaitMs) : Math.max(minWaitMs, backoffDelay(rateLimitRetries, policy)));
          continue;
        }
        if (!error.retryable || retries + 1 >= policy.attempts) throw error;
        if (!call.idempotent && !provablyNotExecuted(error, call.name)) throw error;
        retries += 1;
        await retry('error', Math.max(advice?.minRetryWaitMs ?? 0, backoffDelay(retries, policy)));
      }
    }
  };
}
