// The per-operation rate limit (x-rate-limit of the document unless overridden): calls beyond it wait their turn, none
// fails or is lost, and no one-second window at the server starts more calls than the limit. Timers, Date and
// performance are faked, so windows are measured on the limiter's own schedule, free of event-loop and network jitter.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations } from '../../generated/api-facts.js';
import { TransportCode } from '../../src/errors.js';
import type { ChatClient } from '../../src/client.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { flushIo, makeClient, realDelay, rejection } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  vi.useRealTimers();
  await fake.close();
});

/** Fake clocks for the limiter (timers, Date, performance) while real I/O goes on. */
function fakeClocks(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  vi.setSystemTime(new Date('2025-03-01T08:00:00Z'));
}

/** The largest number of request starts (as the fake recorded them) inside any window [t, t + 1000 ms). */
function busiestSecond(startTimes: readonly number[]): number {
  const times = [...startTimes].sort((a, b) => a - b);
  let busiest = 0;
  let end = 0;
  for (let start = 0; start < times.length; start++) {
    while (end < times.length && (times[end] as number) < (times[start] as number) + 1000) end++;
    busiest = Math.max(busiest, end - start);
  }
  return busiest;
}

interface Tracked {
  client: ChatClient;
  /** How many attempts reached fetch. */
  readonly sent: number;
}

/** A client whose fetch counts the attempts that reach it. */
function trackedClient(overrides: Record<string, unknown>): Tracked {
  let sent = 0;
  const client = makeClient(fake, {
    ...overrides,
    fetch: (request: Request) => {
      sent += 1;
      return globalThis.fetch(request);
    },
  });
  return {
    client,
    get sent() {
      return sent;
    },
  };
}

/**
 * Drives fake time: runs every request due now to completion over real I/O (time stands still meanwhile), then jumps
 * to the next timer, until `done()`.
 */
async function runUntil(done: () => boolean, inFlight: () => boolean): Promise<void> {
  for (let steps = 0; ; steps++) {
    if (steps > 20_000) throw new Error('the rate-limited calls did not finish');
    let rounds = 0;
    await flushIo(2);
    while (inFlight()) {
      // Real time passes (node:timers/promises is not faked) while the fake clock stands still.
      if (++rounds > 10_000) throw new Error('requests stayed in flight for 10 s');
      await realDelay(1);
      await flushIo(2);
    }
    if (done()) return;
    await vi.advanceTimersToNextTimerAsync();
  }
}

describe('rate limit', () => {
  beforeEach(fakeClocks);

  it('getFriendLists defaults to the document’s limit', () => {
    expect(operations.getFriendLists.requestsPerSecond).toBe(200);
  });

  it('1000 queued calls at the default 200/s: all resolve, none lost, no second at the server holds more than 200', async () => {
    const limit = operations.getFriendLists.requestsPerSecond;
    const tracked = trackedClient({ rateLimit: undefined });
    let settled = 0;
    const results = Array.from({ length: 1000 }, (_, i) =>
      tracked.client.getFriendLists({ From_Account: `user${i}` }).finally(() => {
        settled += 1;
      }),
    );
    await runUntil(
      () => settled === 1000,
      () => tracked.sent !== settled || fake.requests.length !== tracked.sent,
    );

    const outcomes = await Promise.allSettled(results);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(fake.requests).toHaveLength(1000);
    const accounts = fake.requests.map((request) => (request.json() as { From_Account: string }).From_Account);
    expect(new Set(accounts).size).toBe(1000);

    const starts = fake.requests.map((request) => request.startedAt);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
    // It did have to hold calls back: 1000 calls at 200 per second span at least 4 seconds of (fake) time.
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(4000);
  });

  it('rateLimit: 50 with 120 calls: all resolve and no second holds more than 50', async () => {
    const tracked = trackedClient({ rateLimit: 50 });
    let settled = 0;
    const results = Array.from({ length: 120 }, (_, i) =>
      tracked.client.getFriendLists({ From_Account: `user${i}` }).finally(() => {
        settled += 1;
      }),
    );
    await runUntil(
      () => settled === 120,
      () => tracked.sent !== settled || fake.requests.length !== tracked.sent,
    );
    await Promise.all(results);
    expect(fake.requests).toHaveLength(120);
    expect(busiestSecond(fake.requests.map((request) => request.startedAt))).toBe(50);
  });

  it('limits each operation separately', async () => {
    fake.handle(() => reply.ok({ CompleteFlag: 1 }));
    const tracked = trackedClient({ rateLimit: 2 });
    const { client } = tracked;
    const pending = [
      client.getFriendLists({ From_Account: 'a' }),
      client.getFriendLists({ From_Account: 'b' }),
      client.getFriendLists({ From_Account: 'c' }),
      client.getConversationGroupMarks({ From_Account: 'a', StartIndex: 0 }),
      client.getConversationGroupMarks({ From_Account: 'b', StartIndex: 0 }),
    ];
    await runUntil(() => fake.requests.length >= 4, () => fake.requests.length !== tracked.sent);
    // Before any time passes: 2 of each operation; the third getFriendLists waits for the next second.
    expect(fake.requests.map((request) => request.path).sort()).toEqual(
      [operations.getConversationGroupMarks.path, operations.getConversationGroupMarks.path, operations.getFriendLists.path, operations.getFriendLists.path].sort(),
    );
    await runUntil(() => fake.requests.length === 5, () => fake.requests.length !== tracked.sent);
    await Promise.all(pending);
    expect(fake.requests[4]?.startedAt).toBeGreaterThanOrEqual((fake.requests[0]?.startedAt ?? 0) + 1000);
  });

  it('each retry takes its own turn', async () => {
    fake.replySequence(reply.html(502), reply.ok());
    const tracked = trackedClient({ rateLimit: 1, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    let done = false;
    const pending = tracked.client.getFriendLists({ From_Account: 'a' }).finally(() => {
      done = true;
    });
    await runUntil(() => done, () => fake.requests.length !== tracked.sent);
    await pending;
    expect(fake.requests).toHaveLength(2);
    expect((fake.requests[1]?.startedAt ?? 0) - (fake.requests[0]?.startedAt ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('an abort while waiting for a turn rejects at once with ABORTED, and nothing is sent for that call', async () => {
    const tracked = trackedClient({ rateLimit: 1 });
    await tracked.client.getFriendLists({ From_Account: 'first' });
    const controller = new AbortController();
    let settled = false;
    const queued = tracked.client.getFriendLists({ From_Account: 'second' }, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    queued.catch(() => {});
    await flushIo();
    expect(settled).toBe(false); // waiting for the next second, which (fake) time will not reach by itself
    controller.abort();
    await flushIo();
    expect(settled).toBe(true);
    const error = await rejection(queued);
    expect(error).toMatchObject({ code: TransportCode.aborted, operation: 'getFriendLists', attempts: 0 }); // attempts counts requests sent

    // The abandoned turn sends nothing when it comes, and later calls still go through.
    await vi.advanceTimersByTimeAsync(5000);
    await flushIo();
    expect(tracked.sent).toBe(1);
    const later = tracked.client.getFriendLists({ From_Account: 'third' });
    await runUntil(() => fake.requests.length === 2, () => fake.requests.length !== tracked.sent);
    await later;
    expect((fake.requests[1]?.json() as { From_Account: string }).From_Account).toBe('third');
  });
});

