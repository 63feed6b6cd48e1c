// retry decision: ordinary retryable failures use `attempts` with back-off; rate refusals wait what the pacer says
// and use their own budget; an expired sig is re-signed once; a non-idempotent call is re-sent only after failures
// that provably did not execute; attempts counts the requests actually sent.
import { expect, it, vi } from 'vitest';
import { retryStage } from '../../../src/pipeline/retry-stage.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { Pacer } from '../../../src/quota/pacer.js';
import type { Attempt, Call } from '../../../src/pipeline/context.js';
import type { RetryEvent } from '../../../src/pipeline/hooks.js';
import { makeCall, ok, policy } from './support.js';

const failure = (code: number | string, extra: { httpStatus?: number; retryable?: boolean; cause?: unknown; retryAfterMs?: number } = {}) =>
  new ChatApiError(`failed ${code}`, { code: code as number, info: '', operation: 'getFriendLists', httpStatus: 200, retryable: true, attempts: 1, ...extra });

function harness(outcomes: (ChatApiError | 'ok')[], options: { pacer?: Pacer; renew?: boolean } = {}) {
  const attempts: Attempt[] = [];
  const retries: RetryEvent[] = [];
  const renewed: (string | undefined)[] = [];
  const handler = retryStage({
    pacerOf: () => options.pacer,
    renewUserSig: async (rejected) => (renewed.push(rejected), options.renew ?? true),
    hooks: { onRetry: (event) => retries.push(event) },
  })(async (attempt) => {
    attempts.push(attempt);
    attempt.sent = true;
    attempt.userSig = `sig${attempts.length}`;
    const outcome = outcomes[Math.min(attempts.length - 1, outcomes.length - 1)];
    if (outcome === 'ok' || outcome === undefined) return ok();
    throw outcome;
  });
  return { attempts, retries, renewed, run: (call: Call = makeCall()) => handler(call) };
}

it('retries a retryable failure up to `attempts`, counting requests sent', async () => {
  const h = harness([failure(30006)]);
  await expect(h.run()).rejects.toMatchObject({ code: 30006, attempts: 3 });
  expect(h.retries.map((event) => event.reason)).toEqual(['error', 'error']);
});

it('waits at least the minimum the document gives a code before retrying it (70050: 60 s)', async () => {
  vi.useFakeTimers();
  try {
    const h = harness([failure(70050), 'ok']);
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

it('does not retry a failure the document marks not retryable', async () => {
  const h = harness([failure(30001, { retryable: false })]);
  await expect(h.run()).rejects.toMatchObject({ attempts: 1 });
});

it('a rate refusal waits pacer.limited(min wait) and uses its own budget, not the attempts', async () => {
  const waits: (number | undefined)[] = [];
  const pacer: Pacer = { turn: async () => {}, limited: (min) => (waits.push(min), 0), accepted: () => {}, rate: 1 };
  const h = harness([failure(60007), failure(TransportCode.http, { httpStatus: 429, retryAfterMs: 1500 }), failure(30006), failure(30006), 'ok'], { pacer });
  await expect(h.run()).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(h.attempts).toHaveLength(5); // 2 rate refusals + 3 ordinary attempts
  expect(waits).toEqual([0, 1500]);
  expect(h.retries.map((event) => event.reason)).toEqual(['rateLimit', 'rateLimit', 'error', 'error']);
});

it('the rate-limit budget runs out', async () => {
  const h = harness([failure(60018)]);
  await expect(h.run()).rejects.toMatchObject({ code: 60018, attempts: 1 + policy.rateLimitRetries });
});

it('an expired sig is re-signed once, with the sig the server rejected', async () => {
  const h = harness([failure(70001, { retryable: false }), failure(70001, { retryable: false })]);
  await expect(h.run()).rejects.toMatchObject({ code: 70001, attempts: 2 });
  expect(h.renewed).toEqual(['sig1']);
  expect(h.retries.map((event) => [event.reason, event.delayMs])).toEqual([['resign', 0]]);
});

it('a pre-made sig is not re-sent after 70001', async () => {
  const h = harness([failure(70001, { retryable: false }), 'ok'], { renew: false });
  await expect(h.run()).rejects.toMatchObject({ code: 70001, attempts: 1 });
});

it('a non-idempotent call: a reset or a 5xx is not re-sent, a refused connection is', async () => {
  const write = makeCall({ idempotent: false });
  const reset = failure(TransportCode.network, { httpStatus: undefined, cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }) });
  await expect(harness([reset]).run(write)).rejects.toMatchObject({ attempts: 1 });
  await expect(harness([failure(TransportCode.http, { httpStatus: 503 })]).run(write)).rejects.toMatchObject({ attempts: 1 });
  const refused = failure(TransportCode.network, { httpStatus: undefined, cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }) });
  await expect(harness([refused, 'ok']).run(write)).resolves.toMatchObject({ ActionStatus: 'OK' });
});

it('retry: false makes one attempt whatever the failure', async () => {
  const h = harness([failure(60007)]);
  await expect(h.run(makeCall({ retry: false }))).rejects.toMatchObject({ attempts: 1 });
});

it('a body JSON cannot carry fails before any attempt', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const h = harness(['ok']);
  await expect(h.run(makeCall({ body: cyclic }))).rejects.toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
  expect(h.attempts).toHaveLength(0);
});
