// throttle: a permit from the quota before every request (before the attempt's time limit; the caller's signal ends
// the wait), the server's verdict reported back, rate refusals re-sent on their own budget, and Retry-After obeyed up
// to retry.maxRetryAfterMs — beyond it the call fails at once, with the wait on the error.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { throttleStage } from '../../../src/pipeline/throttle-stage.js';
import { roundTripMeter } from '../../../src/round-trip.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { Call, SignedAttempt } from '../../../src/pipeline/context.js';
import type { Quota, QuotaLane, QuotaErrorEvent, RetryEvent } from '../../../src/types.js';
import { makeAttempt, makeCall, ok, policy } from './support.js';

const lane: QuotaLane = { key: '1400000000/getFriendLists', sdkAppId: 1400000000, operation: 'getFriendLists', limit: 200, callsPerSecond: 170 };

function fakeQuota(take: (signal?: AbortSignal) => Promise<void> = async () => {}) {
  const log: string[] = [];
  const quota: Quota = {
    take: (_lane, signal) => (log.push('take'), take(signal)),
    report: (_lane, verdict) => void log.push(verdict),
    rate: () => 170,
  };
  return { quota, log };
}

const answered = (code: number | string, attempts: number, extra: { httpStatus?: number; retryAfterMs?: number } = {}) =>
  new ChatApiError(`failed ${code}`, { code: code as number, info: '', operation: 'getFriendLists', httpStatus: 200, retryable: true, attempts, ...extra });

function harness(outcomes: ('ok' | ((attempt: SignedAttempt) => ChatApiError))[], quota: Quota, hooks: { onRetry?: (event: RetryEvent) => void; onQuotaError?: (event: QuotaErrorEvent) => void } = {}) {
  const sent: SignedAttempt[] = [];
  const flow = { lane: lane as QuotaLane | undefined, roundTrip: roundTripMeter() };
  const handler = throttleStage({ quota, flowOf: (_call: Call) => flow, hooks, now: () => Date.now() })(async (attempt) => {
    sent.push(attempt);
    const outcome = outcomes[Math.min(sent.length - 1, outcomes.length - 1)];
    if (outcome === 'ok' || outcome === undefined) return ok();
    throw outcome(attempt);
  });
  return { sent, flow, run: (call = makeCall()) => handler(makeAttempt(call)) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('takes a permit before the request and reports the answer; the round trip is measured', async () => {
  const { quota, log } = fakeQuota();
  const h = harness(['ok'], quota);
  await h.run();
  expect(log).toEqual(['take', 'accepted']);
  expect(h.flow.roundTrip.ms).toBeGreaterThanOrEqual(0);
});

it('a rate refusal is reported refused and re-sent on a new permit, from its own budget; other answers are accepted', async () => {
  const { quota, log } = fakeQuota();
  const h = harness([(a) => answered(60007, a.sent + 1), (a) => answered(TransportCode.http, a.sent + 1, { httpStatus: 429 }), 'ok'], quota);
  const done = h.run();
  await vi.runAllTimersAsync();
  await expect(done).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(log).toEqual(['take', 'refused', 'take', 'refused', 'take', 'accepted']);
  expect(h.sent.map((attempt) => attempt.sent)).toEqual([0, 1, 2]);

  const other = fakeQuota();
  await expect(harness([(a) => answered(30006, a.sent + 1)], other.quota).run()).rejects.toMatchObject({ code: 30006 });
  expect(other.log).toEqual(['take', 'accepted']);
});

it('the re-send budget runs out: rateLimitResends re-sends, then the refusal', async () => {
  const { quota } = fakeQuota();
  const h = harness([(a) => answered(60018, a.sent + 1)], quota);
  const done = h.run().catch((error: unknown) => error);
  await vi.runAllTimersAsync();
  expect(await done).toMatchObject({ code: 60018, attempts: 1 + policy.rateLimitResends });
});

it('the re-send budget is the call’s: an attempt that comes back through the stage (a retry, a re-sign) does not restart it', async () => {
  const { quota } = fakeQuota();
  const h = harness([(a) => answered(60018, a.sent + 1)], quota);
  const call = makeCall();
  const first = h.run(call).catch((error: unknown) => error);
  await vi.runAllTimersAsync();
  expect(await first).toMatchObject({ code: 60018 });
  expect(h.sent).toHaveLength(1 + policy.rateLimitResends);
  // The retry stage's next attempt of the same call: sent once, refused, and not re-sent.
  const again = h.run(call).catch((error: unknown) => error);
  await vi.runAllTimersAsync();
  expect(await again).toMatchObject({ code: 60018 });
  expect(h.sent).toHaveLength(2 + policy.rateLimitResends);
  // Another call has a budget of its own.
  const other = h.run(makeCall()).catch((error: unknown) => error);
  await vi.runAllTimersAsync();
  expect(await other).toMatchObject({ code: 60018 });
  expect(h.sent).toHaveLength(3 + 2 * policy.rateLimitResends);
});

it('a failure without a reply (time-out, network) is not reported: the server’s verdict is unknown', async () => {
  const { quota, log } = fakeQuota();
  const timeout = new ChatApiError('t', { code: TransportCode.timeout, info: '', operation: 'getFriendLists', retryable: true, attempts: 1 });
  await expect(harness([() => timeout], quota).run()).rejects.toBe(timeout);
  expect(log).toEqual(['take']);
});

it('an abort while waiting for the permit: ABORTED with the requests sent so far, nothing sent', async () => {
  const controller = new AbortController();
  const { quota } = fakeQuota((signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))));
  const h = harness(['ok'], quota);
  const pending = h.run(makeCall({ signal: controller.signal, callerSignal: controller.signal }));
  controller.abort();
  await expect(pending).rejects.toMatchObject({ code: TransportCode.aborted, attempts: 0 });
  expect(h.sent).toEqual([]);
});

it('Retry-After on a 429 holds the re-send, and the next call of the operation, until it ends', async () => {
  const { quota } = fakeQuota();
  const h = harness([(a) => answered(TransportCode.http, a.sent + 1, { httpStatus: 429, retryAfterMs: 3000 }), 'ok'], quota);
  const first = h.run();
  await vi.advanceTimersByTimeAsync(2999);
  expect(h.sent).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(1);
  await expect(first).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(h.sent).toHaveLength(2);
});

it('Retry-After on a 503 (not a rate refusal) holds the operation’s next call', async () => {
  const { quota } = fakeQuota();
  const h = harness([(a) => answered(TransportCode.http, a.sent + 1, { httpStatus: 503, retryAfterMs: 5000 }), 'ok'], quota);
  await expect(h.run()).rejects.toMatchObject({ httpStatus: 503, retryAfterMs: 5000 });
  const next = h.run();
  await vi.advanceTimersByTimeAsync(4999);
  expect(h.sent).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(1);
  await expect(next).resolves.toMatchObject({ ActionStatus: 'OK' });
});

it('a Retry-After beyond maxRetryAfterMs fails at once, not retryable, the wait kept on the error', async () => {
  const { quota } = fakeQuota();
  const h = harness([(a) => answered(TransportCode.http, a.sent + 1, { httpStatus: 429, retryAfterMs: 86_400_000 })], quota);
  const error = (await h.run().catch((caught: unknown) => caught)) as ChatApiError;
  expect(error).toMatchObject({ httpStatus: 429, retryable: false, retryAfterMs: 86_400_000, attempts: 1 });
  expect(error.message).toMatch(/maxRetryAfterMs/);
  expect(h.sent).toHaveLength(1);
  expect(vi.getTimerCount()).toBe(0);
});

it('a quota whose report rejects is told to onQuotaError, and the call goes on', async () => {
  const events: QuotaErrorEvent[] = [];
  const broken = new Error('store down');
  const quota: Quota = { take: async () => {}, report: () => Promise.reject(broken), rate: () => undefined };
  await expect(harness(['ok'], quota, { onQuotaError: (event) => void events.push(event) }).run()).resolves.toMatchObject({ ActionStatus: 'OK' });
  await vi.waitFor(() => expect(events).toEqual([{ lane, error: broken }]));
});
