// Bulk work at the vendor's rate limit, on fake clocks against an in-memory vendor that counts arrivals in a sliding
// 1 s window and answers 60007 beyond it: no call lost, no window above the limit at the wire, convergence to a lower
// real limit, two clients sharing one quota, concurrency that follows rate × round trip, and partial failure.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations, rateLimitMargin } from '../../generated/api-facts.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { createLocalQuota } from '../../src/quota/local-quota.js';
import { pacerSettings } from '../../src/quota/pacer.js';
import type { Quota } from '../../src/quota/quota.js';
import { DEFAULT_RETRY } from '../../src/retry-policy.js';
import type { FakeVendor } from '../../src/testing/index.js';
import { busiestWindow } from './wire-log.js';
import { accepted, arrivals, bulkVendor, dataset, runUntil, vendorClient } from './vendor.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number): Promise<unknown> => vi.advanceTimersByTimeAsync(ms);
const documented = operations.getSpecifiedFriends.requestsPerSecond;
const accountsNamed = (count: number): string[] => dataset.friendIds.slice(0, count);
const friendsOf = (accounts: string[]) => ({
  From_Account: dataset.owner, To_Account: accounts, TagList: ['Tag_SNS_IM_Remark' as const],
});

/** Settles every promise, counting how many have settled so far. */
function track<T>(promises: Promise<T>[]): { settled: () => number; outcomes: Promise<PromiseSettledResult<T>[]> } {
  let settled = 0;
  for (const promise of promises) promise.then(() => (settled += 1), () => (settled += 1));
  return { settled: () => settled, outcomes: Promise.allSettled(promises) };
}

/** Accepted calls per second from `fromMs` (fake time since `t0`) to the last accepted call. */
function acceptedRate(accepted: readonly number[], t0: number, fromMs: number): number {
  const later = accepted.filter((t) => t - t0 >= fromMs);
  return (later.length - 1) / (((later.at(-1) as number) - (later[0] as number)) / 1000);
}

describe('a split call at the documented limit', () => {
  for (const roundTripMs of [50, 150]) {
    it(`20,000 accounts at ${roundTripMs} ms: every account once, 0 rate-limit answers, within 1.3× the minimum, no window above the limit`, async () => {
      expect(documented).toBe(200);
      const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: roundTripMs / 2 });
      const client = vendorClient(vendor);
      const accounts = accountsNamed(20_000);
      const t0 = Date.now(); // the fake's clock
      const call = track([client.getSpecifiedFriends(friendsOf(accounts))]);
      const wall = await runUntil(() => call.settled() === 1, advance);
      const [outcome] = await call.outcomes;
      expect(outcome?.status).toBe('fulfilled');
      const reply = (outcome as PromiseFulfilledResult<{ InfoItem?: { To_Account: string }[] }>).value;
      expect(reply.InfoItem?.map((item) => item.To_Account)).toEqual(accounts);

      const calls = 200;
      expect(arrivals(vendor)).toHaveLength(calls);
      expect(vendor.stats().rateLimited).toBe(0);
      expect(busiestWindow(arrivals(vendor), 1000)).toBeLessThanOrEqual(documented);
      const minimum = ((calls - 1) / documented) * 1000 + roundTripMs;
      expect(wall).toBeLessThanOrEqual(1.3 * minimum + 250); // + one step of the fake-time driver
      expect(accepted(vendor).at(-1)! - t0).toBeLessThanOrEqual(1.3 * minimum);
      // Concurrency follows rate × round trip: the pacer, not a fixed number of parallel calls, set the speed.
      expect(vendor.stats().peakInFlight).toBeLessThanOrEqual(2 * documented * (roundTripMs / 1000));
      expect(vendor.stats().peakInFlight).toBeGreaterThan(4);
    });
  }

  it('a new client sends 10 chunks before the first answer, then at the full paced rate (400 ms round trip)', async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 200 });
    const client = vendorClient(vendor);
    const t0 = Date.now();
    const call = track([client.getSpecifiedFriends(friendsOf(accountsNamed(40_000)))]);
    await runUntil(() => call.settled() === 1, advance);
    // A send before the first answer (t0 + 400) arrives before t0 + 600. Without an initial window, paced at the start
    // share (¾) of 170/s after a burst, about 55 would: instances started together would each send that much into the
    // server's first window before one answer says how full it is.
    const early = arrivals(vendor).filter((at) => at - t0 < 600).length;
    expect(early).toBe(10);
    const { callsPerSecond: paced } = pacerSettings(documented, rateLimitMargin);
    // After the first answer, the full paced rate: the busiest second holds about `paced`.
    expect(busiestWindow(arrivals(vendor), 1000)).toBeGreaterThanOrEqual(Math.floor(paced * 0.95));
    expect(vendor.stats().rateLimited).toBe(0);
  });

  it('clients on one shared schedule keep its rate busy before their first answer, and never above the limit (400 ms round trip)', async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 200 });
    // One in-process quota behind two clients stands for a shared store: every permit comes from one schedule.
    const schedule = createLocalQuota();
    const quota: Quota = { take: (lane, signal) => schedule.take(lane, signal), report: (lane, verdict, ms) => schedule.report(lane, verdict, ms), rate: (lane) => schedule.rate(lane), shared: true };
    const clients = [vendorClient(vendor, { quota }), vendorClient(vendor, { quota })];
    const t0 = Date.now();
    const calls = track(clients.map((client, c) => client.getSpecifiedFriends(friendsOf(accountsNamed(40_000).slice(c * 20_000, (c + 1) * 20_000)))));
    await runUntil(() => calls.settled() === 2, advance);
    expect((await calls.outcomes).filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    // Before the first answer (t0 + 400) each would have sent 10 with the first window alone; the schedule sends at
    // the start share (¾) of 170/s for those 400 ms: about 51, shared between the two.
    const early = arrivals(vendor).filter((at) => at - t0 < 600).length;
    const { callsPerSecond: paced, startShare } = pacerSettings(documented, rateLimitMargin);
    expect(early).toBeGreaterThan(20);
    expect(early).toBeLessThanOrEqual(Math.ceil(paced * startShare * 0.4) + 5);
    expect(busiestWindow(arrivals(vendor), 1000)).toBeLessThanOrEqual(documented);
    expect(vendor.stats().rateLimited).toBe(0);
  });

  it('sends at the document’s rate × margin, evenly: no 100 ms holds much more than a tenth of it', async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 25 });
    const client = vendorClient(vendor);
    const call = track([client.getSpecifiedFriends(friendsOf(accountsNamed(40_000)))]);
    await runUntil(() => call.settled() === 1, advance);
    expect(arrivals(vendor)).toHaveLength(400);
    const paced = documented * rateLimitMargin;
    expect(busiestWindow(arrivals(vendor), 1000)).toBeLessThanOrEqual(Math.ceil(paced) + 4);
    expect(busiestWindow(arrivals(vendor), 100)).toBeLessThanOrEqual(Math.ceil(paced / 10) + 4);
  });
});

describe('a server that allows less than the document says', () => {
  it('2,000 calls fired at once at a 100/s server: none fails, ≥ 85/s accepted from the 5th second, ≤ 5% rate-limit answers', async () => {
    const vendor = await bulkVendor({ rateLimit: 100, oneWayMs: 25 });
    const client = vendorClient(vendor);
    const t0 = Date.now(); // the fake's clock
    const calls = track(Array.from({ length: 2000 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[i] as string })));
    await runUntil(() => calls.settled() === 2000, advance);
    const outcomes = await calls.outcomes;
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(accepted(vendor)).toHaveLength(2000);
    expect(acceptedRate(accepted(vendor), t0, 5000)).toBeGreaterThanOrEqual(85);
    expect(vendor.stats().rateLimited).toBeLessThanOrEqual(100);
  });

  it('two clients sharing one 200/s quota: none fails, together ≥ 170/s accepted from the 5th second', async () => {
    const vendor = await bulkVendor({ rateLimit: 200, oneWayMs: 25 });
    const clients = [vendorClient(vendor), vendorClient(vendor)];
    const t0 = Date.now(); // the fake's clock
    const calls = track(clients.flatMap((client, c) => Array.from({ length: 2000 }, (_, i) => client.getFriendLists({ From_Account: dataset.friendIds[c * 2000 + i] as string }))));
    await runUntil(() => calls.settled() === 4000, advance);
    const outcomes = await calls.outcomes;
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(accepted(vendor)).toHaveLength(4000);
    expect(acceptedRate(accepted(vendor), t0, 5000)).toBeGreaterThanOrEqual(170);
  });
});

describe('rate-limit answers', () => {
  it('are sent again after the window, without using up the ordinary attempts, and lower the rate for every call of the operation', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 5 });
    vendor.inject('getFriendLists', 60007, 3);
    const client = vendorClient(vendor, { retry: { retries: 0 } });
    const call = track([client.getFriendLists({ From_Account: dataset.owner })]);
    await runUntil(() => call.settled() === 1, advance, 60_000, 50);
    const [outcome] = await call.outcomes;
    expect(outcome?.status).toBe('fulfilled');
    expect(arrivals(vendor)).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(arrivals(vendor)[i]! - arrivals(vendor)[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('a bounded budget: a call that is refused for ever fails with the rate-limit code', async () => {
    const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 5 });
    vendor.inject('getFriendLists', 60007, 1000);
    const client = vendorClient(vendor, { retry: { retries: 0 } });
    const call = client.getFriendLists({ From_Account: dataset.owner });
    const settled = track([call]);
    await runUntil(() => settled.settled() === 1, advance, 120_000, 500);
    await expect(call).rejects.toMatchObject({ code: 60007 });
    expect(arrivals(vendor).length).toBeGreaterThan(1);
    expect(arrivals(vendor).length).toBeLessThanOrEqual(1 + DEFAULT_RETRY.rateLimitResends);
  });
});

describe('partial failure of a split call', () => {
  // Chunks arrive in order (one fixed latency), so the third to arrive is chunk 2 (accounts 200–299): the first two
  // pass untouched (a zero delay), the third answers 30004.
  const failThirdChunk = (vendor: FakeVendor): void => {
    vendor.inject('getSpecifiedFriends', { delayMs: 0 }, 2);
    vendor.inject('getSpecifiedFriends', 30004);
  };

  it("chunkFailures: 'collect' resolves with the other chunks merged and the failed chunk's accounts and error", async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 10 });
    failThirdChunk(vendor);
    const client = vendorClient(vendor);
    const accounts = accountsNamed(1000);
    const call = client.getSpecifiedFriends(friendsOf(accounts), { chunkFailures: 'collect' });
    const settled = track([call]);
    await runUntil(() => settled.settled() === 1, advance);
    const reply = await call;
    expect(reply.InfoItem?.map((item) => item.To_Account)).toEqual([...accounts.slice(0, 200), ...accounts.slice(300)]);
    expect(reply.failedChunks).toHaveLength(1);
    const [failed] = reply.failedChunks ?? [];
    expect(failed?.index).toBe(2);
    expect(failed?.items).toEqual(accounts.slice(200, 300));
    expect(failed?.error).toBeInstanceOf(ChatApiError);
    expect(failed?.error).toMatchObject({ code: 30004, chunk: { index: 2, count: 10 } });
    expect(arrivals(vendor)).toHaveLength(10);
  });

  it('by default one failed chunk rejects the call, naming it', async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 10 });
    failThirdChunk(vendor);
    const call = vendorClient(vendor).getSpecifiedFriends(friendsOf(accountsNamed(1000)));
    const settled = track([call]);
    await runUntil(() => settled.settled() === 1, advance);
    await expect(call).rejects.toMatchObject({ code: 30004, chunk: { index: 2 } });
  });

  it('many chunks waiting for their turn with a caller signal: no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      // At 100 ms round trip, about 29 chunks are in flight, most of them waiting for their turn of the pacer.
      const vendor = await bulkVendor({ rateLimit: false, oneWayMs: 50 });
      const controller = new AbortController();
      const call = vendorClient(vendor).getSpecifiedFriends(friendsOf(accountsNamed(5000)), { signal: controller.signal });
      const settled = track([call]);
      await runUntil(() => settled.settled() === 1, advance);
      await call;
      expect(arrivals(vendor)).toHaveLength(50);
      await new Promise((resolve) => process.nextTick(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('a split call with an already-aborted signal sends nothing and rejects ABORTED', async () => {
    const vendor = await bulkVendor({ rateLimit: documented, oneWayMs: 10 });
    const call = vendorClient(vendor).getSpecifiedFriends(
      friendsOf(accountsNamed(1000)),
      { signal: AbortSignal.abort(new Error('stop')) },
    );
    await expect(call).rejects.toMatchObject({ code: TransportCode.aborted, attempts: 0 });
    await advance(5000);
    expect(arrivals(vendor)).toHaveLength(0);
  });
});
