// Every attempt ends at its time limit, or at once on the caller's abort, whatever fetch does: a fetch that ignores
// the signal (a custom fetch that does not pass it on, a copied Request whose abort link was collected) and a body
// that never ends must not keep a call pending past timeoutMs. Fake timers: the limit is reached by advancing them.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { clientWithFetch, okReply, track } from './attempt-support.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A fetch that records each request and never settles, ignoring its signal. */
function deafFetch(): { fetch: (request: Request) => Promise<Response>; requests: Request[] } {
  const requests: Request[] = [];
  return { requests, fetch: (request) => (requests.push(request), new Promise<Response>(() => {})) };
}

/** A fetch whose replies send their headers and then never a byte of body. */
function stalledBodyFetch(): { fetch: (request: Request) => Promise<Response>; cancelled: () => number } {
  let cancelled = 0;
  return {
    cancelled: () => cancelled,
    fetch: async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull: () => new Promise<void>(() => {}),
          cancel: () => {
            cancelled += 1;
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      ),
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await vi.advanceTimersByTimeAsync(0);
  expect(condition()).toBe(true);
}

it('a fetch that ignores the signal: the attempt ends with TIMEOUT at timeoutMs', async () => {
  const wire = deafFetch();
  const call = track(clientWithFetch(wire.fetch, { timeoutMs: 200, retry: false }).getFriendLists({ From_Account: 'alice' }));
  await until(() => wire.requests.length === 1);
  await vi.advanceTimersByTimeAsync(199);
  expect(call.settled()).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  const outcome = await call.outcome;
  expect(outcome.ok).toBe(false);
  expect((outcome as { error: ChatApiError }).error).toMatchObject({ code: TransportCode.timeout, attempts: 1, retryable: true });
});

it('a fetch that ignores the signal: each retried attempt ends at its own limit', async () => {
  const wire = deafFetch();
  const call = track(clientWithFetch(wire.fetch, { timeoutMs: 200, retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } }).getFriendLists({ From_Account: 'alice' }));
  for (let attempt = 1; attempt <= 3; attempt++) {
    await until(() => wire.requests.length === attempt);
    await vi.advanceTimersByTimeAsync(200);
  }
  const outcome = await call.outcome;
  expect((outcome as { error: ChatApiError }).error).toMatchObject({ code: TransportCode.timeout, attempts: 3 });
  expect(wire.requests).toHaveLength(3);
});

it('a body that never ends: TIMEOUT at timeoutMs, and the body stream is cancelled', async () => {
  const wire = stalledBodyFetch();
  const call = track(clientWithFetch(wire.fetch, { timeoutMs: 300, retry: false }).getFriendLists({ From_Account: 'alice' }));
  await vi.advanceTimersByTimeAsync(299);
  expect(call.settled()).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  const outcome = await call.outcome;
  expect((outcome as { error: ChatApiError }).error).toMatchObject({ code: TransportCode.timeout, attempts: 1 });
  await until(() => wire.cancelled() === 1);
});

it("a fetch that ignores the signal: the caller's abort ends the call at once, with its reason as cause", async () => {
  const wire = deafFetch();
  const controller = new AbortController();
  const call = track(clientWithFetch(wire.fetch, { timeoutMs: 60_000 }).getFriendLists({ From_Account: 'alice' }, { signal: controller.signal }));
  await until(() => wire.requests.length === 1);
  const reason = { why: 'user left' };
  controller.abort(reason);
  await vi.advanceTimersByTimeAsync(0);
  expect(call.settled()).toBe(true);
  const error = ((await call.outcome) as { error: ChatApiError }).error;
  expect(error).toMatchObject({ code: TransportCode.aborted, attempts: 1 });
  expect(error.cause).toBe(reason);
});

it('a reply within the limit is unaffected, and its timer is cleared', async () => {
  const client = clientWithFetch(async () => okReply(), { timeoutMs: 200 });
  await expect(client.getFriendLists({ From_Account: 'alice' })).resolves.toMatchObject({ ActionStatus: 'OK' });
  expect(vi.getTimerCount()).toBe(0);
});
