// The per-operation rate limit as the client applies it (x-rate-limit of the document × x-rate-limit-margin, unless
// overridden): calls beyond it wait their turn, none fails or is lost, and no 1 s window at the server holds more than
// the limit. The vendor is in memory and every clock is fake, so the schedule is the same on any machine: what is
// measured is when each request reached the vendor, with no event-loop or network jitter in it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations, rateLimitMargin } from '../../generated/api-facts.js';
import { TransportCode } from '../../src/errors.js';
import { busiestWindow } from '../bulk/wire-log.js';
import { arrivals, bulkVendor, dataset, runUntil, vendorClient } from '../bulk/vendor.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number): Promise<unknown> => vi.advanceTimersByTimeAsync(ms);

/** Starts the calls and advances fake time until all have settled; returns how many were rejected. */
async function settleAll(calls: Promise<unknown>[]): Promise<PromiseSettledResult<unknown>[]> {
  let settled = 0;
  for (const call of calls) call.then(() => (settled += 1), () => (settled += 1));
  await runUntil(() => settled === calls.length, advance, 120_000, 50);
  return Promise.allSettled(calls);
}

describe('rate limit', () => {
  it('getFriendLists defaults to the document’s limit, paced at its margin', () => {
    expect(operations.getFriendLists.requestsPerSecond).toBe(200);
    expect(rateLimitMargin).toBeGreaterThan(0.5);
    expect(rateLimitMargin).toBeLessThan(1);
  });

  it('1000 calls at once at the default: all resolve, none lost, no second at the vendor holds more than 200', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 10 });
    const client = vendorClient(vendor);
    const outcomes = await settleAll(Array.from({ length: 1000 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[i] as string })));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(arrivals(vendor)).toHaveLength(1000);
    expect(busiestWindow(arrivals(vendor), 1000)).toBeLessThanOrEqual(200);
    // Paced at 200 × margin: 1000 calls span (1000 − burst) ÷ (200 × margin) seconds.
    const span = (arrivals(vendor).at(-1) as number) - (arrivals(vendor)[0] as number);
    expect(span).toBeGreaterThanOrEqual(((1000 - 4) / (200 * rateLimitMargin)) * 1000 - 10);
  });

  it('rateLimit: 50 with 120 calls: all resolve and no second holds more than 50', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 10 });
    const client = vendorClient(vendor, { rateLimit: 50 });
    const outcomes = await settleAll(Array.from({ length: 120 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[i] as string })));
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(arrivals(vendor)).toHaveLength(120);
    expect(busiestWindow(arrivals(vendor), 1000)).toBeLessThanOrEqual(50);
    expect(busiestWindow(arrivals(vendor), 1000)).toBeGreaterThanOrEqual(45);
  });

  it('rateLimit by operation: the named one at its own limit, false unpaced, the others at the document’s', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 10 });
    const client = vendorClient(vendor, { rateLimit: { getFriendLists: 20, getConversationGroupMarks: false } });
    const friends = Array.from({ length: 60 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[i] as string }));
    const marks = Array.from({ length: 60 }, (_, i) => client.getConversationGroupMarks({ From_Account: dataset.friendIds[i] as string, StartIndex: 0 }));
    await settleAll([...friends, ...marks]);
    const at = (path: string): number[] => vendor.calls.filter((call) => call.path === path).map((call) => call.at);
    expect(busiestWindow(at(operations.getFriendLists.path), 1000)).toBeLessThanOrEqual(20);
    expect(busiestWindow(at(operations.getFriendLists.path), 1000)).toBeGreaterThanOrEqual(15);
    // Unpaced: all 60 at once.
    expect(busiestWindow(at(operations.getConversationGroupMarks.path), 1000)).toBe(60);
  });

  it('limits each operation separately', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 10 });
    const client = vendorClient(vendor, { rateLimit: 2 });
    const t0 = Date.now(); // the fake's clock
    const calls = [
      client.getFriendLists({ From_Account: dataset.owner }),
      client.getFriendLists({ From_Account: dataset.friendIds[0] as string }),
      client.getConversationGroupMarks({ From_Account: dataset.owner, StartIndex: 0 }),
      client.getConversationGroupMarks({ From_Account: dataset.friendIds[0] as string, StartIndex: 0 }),
    ];
    await advance(100);
    // One of each at once (a burst of 1 at 2/s × margin); the second of each waits for its operation's next turn.
    expect(arrivals(vendor).map((t) => t - t0)).toEqual([10, 10]);
    await settleAll(calls);
    expect(arrivals(vendor)).toHaveLength(4);
    const interval = 1000 / (2 * rateLimitMargin);
    expect(arrivals(vendor).slice(2).map((t) => Math.round(t - t0))).toEqual([Math.ceil(interval) + 10, Math.ceil(interval) + 10]);
  });

  it('each retry takes its own turn', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 5 });
    vendor.inject('getFriendLists', 30006);
    const client = vendorClient(vendor, { rateLimit: 1, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const [outcome] = await settleAll([client.getFriendLists({ From_Account: dataset.owner })]);
    expect(outcome?.status).toBe('fulfilled');
    expect(arrivals(vendor)).toHaveLength(2);
    expect((arrivals(vendor)[1] as number) - (arrivals(vendor)[0] as number)).toBeGreaterThanOrEqual(1000 / rateLimitMargin - 1);
  });

  it('an abort while waiting for a turn rejects at once with ABORTED, and nothing is sent for that call', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 5 });
    const client = vendorClient(vendor, { rateLimit: 1 });
    await settleAll([client.getFriendLists({ From_Account: dataset.friendIds[1] as string })]);
    const controller = new AbortController();
    let settled = false;
    const queued = client.getFriendLists({ From_Account: dataset.friendIds[2] as string }, { signal: controller.signal });
    queued.then(() => (settled = true), () => (settled = true));
    await advance(100);
    expect(settled).toBe(false); // waiting for its turn, about a second away
    controller.abort();
    await advance(0);
    expect(settled).toBe(true);
    await expect(queued).rejects.toMatchObject({ code: TransportCode.aborted, operation: 'getFriendLists', attempts: 0 }); // attempts counts requests sent

    // The abandoned turn sends nothing when it comes, and later calls still go through.
    await advance(5000);
    expect(arrivals(vendor)).toHaveLength(1);
    await settleAll([client.getFriendLists({ From_Account: dataset.friendIds[3] as string })]);
    expect(arrivals(vendor)).toHaveLength(2);
  });

  it('rateLimit: false sends everything at once', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 5 });
    const client = vendorClient(vendor, { rateLimit: false });
    await settleAll(Array.from({ length: 300 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[i] as string })));
    expect(busiestWindow(arrivals(vendor), 1)).toBe(300);
  });
});
