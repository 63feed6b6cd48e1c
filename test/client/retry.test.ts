// Which failures are tried again (the document's x-error-codes and the transport rules), how often, how an abort
// stops the loop, and the one-off re-signing on an expired usersig (70001).
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorCodes, operations, type OperationId } from '../../generated/api-facts.js';
import { TransportCode } from '../../src/errors.js';
import { DEFAULT_RETRY, backoffDelay, sleep } from '../../src/retry-policy.js';
import { genUserSig, verifyUserSig } from '../../src/user-sig.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import {
  IDENTIFIER,
  SDK_APP_ID,
  SECRET_KEY,
  decodeUserSig,
  makeClient,
  makeUserSigClient,
  realDelay,
  rejection,
  specifiedFriendsBody,
} from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await fake.close();
});

const validBody: { [Op in OperationId]: Record<string, unknown> } = {
  getFriendLists: { From_Account: 'alice' },
  getSpecifiedFriends: specifiedFriendsBody(['bob']),
  getAppGroups: { Limit: 10, Next: 0 },
  getConversationGroupMarks: { From_Account: 'alice', StartIndex: 0 },
};

const call = (client: ReturnType<typeof makeClient>, operation: OperationId, signal?: AbortSignal): Promise<unknown> =>
  (client[operation] as (body: unknown, options?: { signal?: AbortSignal }) => Promise<unknown>)(validBody[operation], { signal });

// Every code of the document's x-error-codes except the re-signing one and those with a minimum wait (70050: a minute;
// its wait is tested on fake timers in pipeline/retry-stage.test.ts), on an operation that can return it.
const documentedCodes = Object.entries(errorCodes)
  .filter(([, facts]) => !facts.resign && !facts.minRetryWaitMs)
  .map(([code, facts]) => ({
    code: Number(code),
    retryable: facts.retryable,
    rateLimit: facts.rateLimit,
    operation: (facts.operations?.[0] ?? 'getFriendLists') as OperationId,
  }));

/** Re-sends after rate-limit refusals, by default: counted apart from the 3 ordinary attempts. */
const RATE_LIMIT_RETRIES = DEFAULT_RETRY.rateLimitResends;

describe('FAIL envelopes, retried as the document says', () => {
  it('the document has both retryable and non-retryable codes (so both branches below run)', () => {
    expect(documentedCodes.filter((entry) => entry.retryable).length).toBeGreaterThan(2);
    expect(documentedCodes.filter((entry) => !entry.retryable).length).toBeGreaterThan(2);
  });

  it.each(documentedCodes)('ErrorCode $code ($operation): retryable $retryable, rate limit $rateLimit', async ({ code, retryable, rateLimit, operation }) => {
    fake.handle(() => reply.fail(code, `code ${code}`));
    const error = await rejection(call(makeClient(fake), operation));
    const attempts = rateLimit ? 1 + RATE_LIMIT_RETRIES : retryable ? 3 : 1;
    expect(error).toMatchObject({ code, operation, retryable, attempts, httpStatus: 200, info: `code ${code}` });
    expect(fake.requests).toHaveLength(attempts);
    expect(fake.requests.every((request) => request.path === operations[operation].path)).toBe(true);
  });

  it('retry.attempts sets the number of attempts', async () => {
    const retryable = documentedCodes.find((entry) => entry.retryable && entry.operation === 'getFriendLists');
    fake.handle(() => reply.fail(retryable?.code ?? -1));
    const error = await rejection(makeClient(fake, { retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 2 } }).getFriendLists({ From_Account: 'a' }));
    expect(error.attempts).toBe(5);
    expect(fake.requests).toHaveLength(5);
  });

  it('retry: false makes a single attempt, even for a retryable failure', async () => {
    fake.handle(() => reply.html(503, 'Service Unavailable'));
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'a' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 503, retryable: true, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('recovery', () => {
  it('HTTP 500, then OK → resolves with the second reply after 2 requests', async () => {
    fake.replySequence(reply.empty(500), reply.ok({ ResultItem: [{ GroupName: 'friends' }] }));
    const result = await makeClient(fake).getFriendLists({ From_Account: 'alice' });
    expect(result.ResultItem).toEqual([{ GroupName: 'friends' }]);
    expect(fake.requests).toHaveLength(2);
  });

  it('HTTP 429, then OK → resolves', async () => {
    fake.replySequence(reply.json({ title: 'slow down' }, 429), reply.ok());
    await expect(makeClient(fake).getFriendLists({ From_Account: 'alice' })).resolves.toMatchObject({ ActionStatus: 'OK' });
    expect(fake.requests).toHaveLength(2);
  });

  it('reset, timeout, then OK → resolves on the third attempt', async () => {
    fake.replySequence(reply.reset(), reply.hang(), reply.ok());
    // The limit also covers the good third attempt, so it is generous enough for a busy machine.
    await expect(makeClient(fake, { timeoutMs: 1000 }).getFriendLists({ From_Account: 'alice' })).resolves.toMatchObject({ ErrorCode: 0 });
    expect(fake.requests).toHaveLength(3);
  });

  it('a non-retryable failure after a retryable one stops at once and reports both attempts', async () => {
    const retryable = documentedCodes.find((entry) => entry.retryable && entry.operation === 'getFriendLists');
    const fatal = documentedCodes.find((entry) => !entry.retryable && entry.operation === 'getFriendLists');
    fake.replySequence(reply.fail(retryable?.code ?? -1), reply.fail(fatal?.code ?? -1), reply.ok());
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: fatal?.code, attempts: 2 });
    expect(fake.requests).toHaveLength(2);
  });
});

describe('abort', () => {
  it('during the back-off wait: rejects with ABORTED and makes no further attempt', async () => {
    // Back-off of up to a minute: the test can only finish in time if the abort cuts the wait short.
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    fake.handle(() => reply.html(502));
    const controller = new AbortController();
    let backingOff: () => void = () => {};
    const retrying = new Promise<void>((resolve) => {
      backingOff = resolve;
    });
    const pending = makeClient(fake, { retry: { retries: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 }, hooks: { onRetry: () => backingOff() } }).getFriendLists(
      { From_Account: 'alice' },
      { signal: controller.signal },
    );
    await retrying; // the 502 reached the client, which now waits ~59 s before the next attempt
    controller.abort();
    const error = await rejection(pending);
    expect(error).toMatchObject({ code: TransportCode.aborted, retryable: false, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('during a hung attempt: rejects with ABORTED, closes the request and makes no further attempt', async () => {
    fake.handle(() => reply.hang());
    const controller = new AbortController();
    // Counted where requests are handed to fetch, with zero back-off: a retry would be handed over before the call
    // could reject, so the count below cannot miss one that is merely slow to arrive.
    let handed = 0;
    const countingFetch = (request: Request): Promise<Response> => ((handed += 1), fetch(request));
    const retries: unknown[] = [];
    const client = makeClient(fake, { fetch: countingFetch, retry: { baseDelayMs: 0, maxDelayMs: 0 }, hooks: { onRetry: (event: unknown) => retries.push(event) } });
    const pending = client.getFriendLists({ From_Account: 'alice' }, { signal: controller.signal });
    await fake.waitForRequests(1);
    controller.abort(new Error('caller gave up'));
    const error = await rejection(pending);
    expect(error).toMatchObject({ code: TransportCode.aborted, retryable: false, attempts: 1 });
    expect(handed).toBe(1);
    expect(retries).toEqual([]);
    await vi.waitFor(() => expect(fake.inFlight).toBe(0)); // the aborted request's connection is closed
  });

  it('a long-lived signal shared by many calls keeps no abort listeners once they are done', async () => {
    fake.replySequence(reply.html(502), reply.ok());
    const controller = new AbortController();
    // No signal derived per call from the caller's: AbortSignal.any keeps bookkeeping in its sources until they go.
    const any = vi.spyOn(AbortSignal, 'any');
    const client = makeClient(fake, { rateLimit: 1000 });
    // Sequential calls, a retried one, a split one and parallel ones, all on the one signal.
    await client.getFriendLists({ From_Account: 'a' }, { signal: controller.signal });
    await client.getSpecifiedFriends(specifiedFriendsBody(Array.from({ length: 250 }, (_, i) => `u${i}`)), { signal: controller.signal });
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.getFriendLists({ From_Account: `p${i}` }, { signal: controller.signal })));
    expect(fake.requests.length).toBe(2 + 3 + 8);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(any).not.toHaveBeenCalled();
  });

  it('a back-off beyond setTimeout’s range waits (until the abort), instead of retrying after 1 ms', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    fake.handle(() => reply.html(502));
    const controller = new AbortController();
    const delays: number[] = [];
    const pending = makeClient(fake, {
      retry: { retries: 2, baseDelayMs: 2 ** 32, maxDelayMs: 2 ** 32 },
      hooks: { onRetry: (event: { delayMs: number }) => delays.push(event.delayMs) },
    }).getFriendLists({ From_Account: 'alice' }, { signal: controller.signal });
    await vi.waitFor(() => expect(delays).toHaveLength(1));
    expect(delays[0]).toBeGreaterThan(2 ** 31); // the wait itself is capped to the timer range by sleep() (see below)
    expect(fake.requests).toHaveLength(1);
    controller.abort();
    expect((await rejection(pending)).code).toBe(TransportCode.aborted);
  });

  it('before the call: rejects with ABORTED and sends nothing', async () => {
    let handed = 0;
    const countingFetch = (request: Request): Promise<Response> => ((handed += 1), fetch(request));
    const error = await rejection(makeClient(fake, { fetch: countingFetch }).getFriendLists({ From_Account: 'alice' }, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: TransportCode.aborted, attempts: 0 });
    expect(handed).toBe(0);
  });
});

describe('sleep (the back-off wait)', () => {
  it('waits a delay beyond setTimeout’s range as the longest timer, not 1 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let done = false;
      void sleep(2 ** 32, undefined).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(1000);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(2 ** 31);
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('expired usersig (70001)', () => {
  it('re-signs once: 70001 then OK resolves after exactly 2 requests, the second with a new valid usersig', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-01T08:00:00Z'));
    fake.handle((request) => {
      if (request.index > 0) return reply.ok({ ResultItem: [] });
      vi.setSystemTime(Date.now() + 60_000); // a minute passes; the next signing is a different usersig
      return reply.fail(70001, 'usersig expired');
    });
    const client = makeClient(fake);
    await expect(client.getFriendLists({ From_Account: 'alice' })).resolves.toMatchObject({ ActionStatus: 'OK' });

    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests.map((request) => request.query['usersig'] ?? '');
    expect(second).not.toBe(first);
    expect(Number(decodeUserSig(second ?? '')['TLS.time'])).toBe(Number(decodeUserSig(first ?? '')['TLS.time']) + 60);
    const verify = { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY };
    expect(await verifyUserSig(second ?? '', verify)).toMatchObject({ ok: true });

    // The renewed usersig is the one later calls use.
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests[2]?.query['usersig']).toBe(second);
  });

  it('re-signing does not use up an attempt: 70001 then a retryable failure is still tried 3 times more', async () => {
    const retryable = documentedCodes.find((entry) => entry.retryable && entry.operation === 'getFriendLists');
    fake.replySequence(reply.fail(70001), reply.fail(retryable?.code ?? -1));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error.code).toBe(retryable?.code);
    expect(fake.requests).toHaveLength(4);
  });

  it('re-signs only once per call: 70001 twice rejects with 70001 after 2 requests', async () => {
    fake.handle(() => reply.fail(70001, 'usersig expired'));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 70001, retryable: false, attempts: 2 });
    expect(fake.requests).toHaveLength(2);
  });

  it('with a pre-made userSig there is nothing to re-sign: rejects after 1 attempt', async () => {
    const premade = await genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 60 });
    fake.replySequence(reply.fail(70001, 'usersig expired'), reply.ok());
    const error = await rejection(makeUserSigClient(fake, premade).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 70001, operation: 'getFriendLists', retryable: false, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.query['usersig']).toBe(premade);
  });
});

describe('back-off', () => {
  const policy = { baseDelayMs: 250, maxDelayMs: 5000 };

  it('is full jitter: uniform between 0 and the capped exponential bound', () => {
    // The bound doubles per retry (250, 500, 1000, 2000, 4000) until the cap (5000).
    const bounds = [250, 500, 1000, 2000, 4000, 5000, 5000];
    bounds.forEach((bound, index) => {
      const retry = index + 1;
      expect(backoffDelay(retry, policy, () => 0)).toBe(0);
      expect(backoffDelay(retry, policy, () => 0.5)).toBe(bound / 2);
      expect(backoffDelay(retry, policy, () => 0.999999)).toBe(bound - 1);
    });
  });

  it('never exceeds the cap, whatever the retry count', () => {
    expect(backoffDelay(40, policy, () => 0.999999)).toBeLessThan(policy.maxDelayMs);
  });
});
