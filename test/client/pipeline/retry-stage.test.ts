// retry: back-off only. A retryable failure is sent again up to `retries` times after back-off (never sooner than a
// code's documented minimum wait); rate refusals and expired sigs are the throttle and sign stages' business and pass
// through; a non-idempotent call is re-sent only after failures that provably did not execute; each attempt knows how
// many requests went before it.
import { expect, it, vi } from 'vitest';
import { retryStage } from '../../../src/pipeline/retry-stage.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { Attempt, SerializedCall } from '../../../src/pipeline/context.js';
import type { RetryEvent } from '../../../src/types.js';
import { makeCall, ok, policy } from './support.js';

const failure = (code: number | string, attempts: number, extra: { httpStatus?: number | undefined; retryable?: boolean; cause?: unknown } = {}) =>
  new ChatApiError(`failed ${code}`, { code: code as number, info: '', operation: 'getFriendLists', httpStatus: 200, retryable: true, attempts, ...extra });

type Outcome = 'ok' | ((attempts: number) => ChatApiError);

function harness(outcomes: Outcome[]) {
  const attempts: Attempt[] = [];
  const retries: RetryEvent[] = [];
  const handler = retryStage({ onRetry: (event) => void retries.push(event) })(async (attempt) => {
    attempts.push(attempt);
    const outcome = outcomes[Math.min(attempts.length - 1, outcomes.length - 1)];
    if (outcome === 'ok' || outcome === undefined) return ok();
    // An inner stage may have sent more than one request (a re-sign): the error says how many in all.
    throw outcome(attempt.sent + 1);
  });
  return { attempts, retries, run: (call: SerializedCall = makeCall()) => handler(call) };
}

it('retries a retryable failure `retries` times; each attempt starts from the requests already sent', async () => {
  const h = harness([(n) => failure(30006, n)]);
  await expect(h.run()).rejects.toMatchObject({ code: 30006, attempts: 1 + policy.retries });
  expect(h.attempts.map((attempt) => attempt.sent)).toEqual([0, 1, 2]);
  expect(h.retries.map((event) => event.reason)).toEqual(['error', 'error']);
});

it('counts the requests an inner stage sent (a re-sign inside one attempt)', async () => {
  const h = harness([(n) => failure(30006, n + 1), 'ok']);
  await expect(h.run()).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(h.attempts.map((attempt) => attempt.sent)).toEqual([0, 2]);
});

it('waits at least the minimum the document gives a code before retrying it (70050: 60 s)', async () => {
  vi.useFakeTimers();
  try {
    const h = harness([(n) => failure(70050, n), 'ok']);
    const done = h.run();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(h.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toMatchObject({ ActionStatus: 'OK' });
    expect(h.retries).toMatchObject([{ reason: 'error', delayMs: 60_000 }]);
  } finally {
    vi.useRealTimers();
  }
});

it('does not retry what is not retryable, a rate refusal or an expired sig (their stages gave up on them)', async () => {
  for (const outcome of [(n: number) => failure(30001, n, { retryable: false }), (n: number) => failure(60007, n), (n: number) => failure(70001, n)]) {
    const h = harness([outcome, 'ok']);
    await expect(h.run()).rejects.toMatchObject({ attempts: 1 });
    expect(h.retries).toEqual([]);
  }
});

it('a non-idempotent call: a reset or a 5xx is not re-sent, a refused connection is', async () => {
  const write = makeCall({ idempotent: false });
  const reset = (n: number) => failure(TransportCode.network, n, { httpStatus: undefined, cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }) });
  await expect(harness([reset]).run(write)).rejects.toMatchObject({ attempts: 1 });
  await expect(harness([(n) => failure(TransportCode.http, n, { httpStatus: 503 })]).run(write)).rejects.toMatchObject({ attempts: 1 });
  const refused = (n: number) => failure(TransportCode.network, n, { httpStatus: undefined, cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) });
  await expect(harness([refused, 'ok']).run(write)).resolves.toMatchObject({ ActionStatus: 'OK' });
});

it('retry: false makes one attempt whatever the failure', async () => {
  const h = harness([(n) => failure(30006, n)]);
  await expect(h.run(makeCall({ retry: false }))).rejects.toMatchObject({ attempts: 1 });
});

it('an abort during back-off ends the call as ABORTED with the requests sent so far', async () => {
  const controller = new AbortController();
  // 70050's documented minimum wait (60 s) keeps the back-off long whatever the jitter draws.
  const h = harness([(n) => failure(70050, n)]);
  const call = makeCall({ signal: controller.signal, callerSignal: controller.signal });
  const pending = h.run(call);
  await vi.waitFor(() => expect(h.retries).toHaveLength(1));
  controller.abort();
  await expect(pending).rejects.toMatchObject({ code: TransportCode.aborted, attempts: 1 });
});
