// Bulk work at the vendor's rate limit, on fake clocks against an in-memory vendor that counts arrivals in a sliding
// 1 s window and answers 60007 beyond it: no call lost, no window above the limit at the wire, convergence to a lower
// real limit, two clients sharing one quota, concurrency that follows rate × round trip, and partial failure.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations, rateLimitMargin } from '../../generated/api-facts.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { busiestWindow } from './wire-log.js';
import { fakeVendor, runUntil, vendorClient } from './vendor.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number): Promise<unknown> => vi.advanceTimersByTimeAsync(ms);
const documented = operations.getSpecifiedFriends.requestsPerSecond;
const accountsNamed = (count: number): string[] => Array.from({ length: count }, (_, i) => `user${i}`);
const friendsOf = (accounts: string[]) => ({
  From_Account: 'alice', To_Account: accounts, TagList: ['Tag_SNS_IM_Remark' as const],
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
      const vendor = fakeVendor({ limitPerSecond: documented, oneWayMs: roundTripMs / 2 });
      const client = vendorClient(vendor);
      const accounts = accountsNamed(20_000);
      const t0 = performance.now();
      const call = track([client.getSpecifiedFriends(friendsOf(accounts))]);
      const wall = await runUntil(() => call.settled() === 1, advance);
      const [outcome] = await call.outcomes;
      expect(outcome?.status).toBe('fulfilled');
      const reply = (outcome as PromiseFulfilledResult<{ InfoItem?: { To_Account: string }[] }>).value;
      expect(reply.InfoItem?.map((item) => item.To_Account)).toEqual(accounts);

      const calls = 200;
      expect(vendor.arrivals).toHaveLength(calls);
      expect(vendor.rateLimited).toBe(0);
      expect(busiestWindow(vendor.arrivals, 1000)).toBeLessThanOrEqual(documented);
      const minimum = ((calls - 1) / documented) * 1000 + roundTripMs;
      expect(wall).toBeLessThanOrEqual(1.3 * minimum + 250); // + one step of the fake-time driver
      expect(vendor.accepted.at(-1)! - t0).toBeLessThanOrEqual(1.3 * minimum);
      // Concurrency follows rate × round trip: the pacer, not a fixed number of parallel calls, set the speed.
      expect(vendor.peakInFlight).toBeLessThanOrEqual(2 * documented * (roundTripMs / 1000));
      expect(vendor.peakInFlight).toBeGreaterThan(4);
    });
  }

  it('sends at the document’s rate × margin, evenly: no 100 ms holds much more than a tenth of it', async () => {
    const vendor = fakeVendor({ limitPerSecond: documented, oneWayMs: 25 });
    const client = vendorClient(vendor);
    const call = track([client.getSpecifiedFriends(friendsOf(accountsNamed(40_000)))]);
    await runUntil(() => call.settled() === 1, advance);
    expect(vendor.arrivals).toHaveLength(400);
    const paced = documented * rateLimitMargin;
    expect(busiestWindow(vendor.arrivals, 1000)).toBeLessThanOrEqual(Math.ceil(paced) + 4);
    expect(busiestWindow(vendor.arrivals, 100)).toBeLessThanOrEqual(Math.ceil(paced / 10) + 4);
  });
});

describe('a server that allows less than the document says', () => {
  it('2,000 calls fired at once at a 100/s server: none fails, ≥ 85/s accepted from the 5th second, ≤ 5% rate-limit answers', async () => {
    const vendor = fakeVendor({ limitPerSecond: 100, oneWayMs: 25 });
    const client = vendorClient(vendor);
    const t0 = performance.now();
    const calls = track(Array.from({ length: 2000 }, (_, i) => client.getFriendLists({ From_Account: `user${i}` })));
    await runUntil(() => calls.settled() === 2000, advance);
    const outcomes = await calls.outcomes;
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(vendor.accepted).toHaveLength(2000);
    if (process.env['BULK_DEBUG']) console.log('100/s server', acceptedRate(vendor.accepted, t0, 5000), vendor.rateLimited);
    expect(acceptedRate(vendor.accepted, t0, 5000)).toBeGreaterThanOrEqual(85);
    expect(vendor.rateLimited).toBeLessThanOrEqual(100);
  });

  it('two clients sharing one 200/s quota: none fails, together ≥ 170/s accepted from the 5th second', async () => {
    const vendor = fakeVendor({ limitPerSecond: 200, oneWayMs: 25 });
    const clients = [vendorClient(vendor), vendorClient(vendor)];
    const t0 = performance.now();
    const calls = track(clients.flatMap((client, c) => Array.from({ length: 2000 }, (_, i) => client.getFriendLists({ From_Account: `c${c}user${i}` }))));
    await runUntil(() => calls.settled() === 4000, advance);
    const outcomes = await calls.outcomes;
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(vendor.accepted).toHaveLength(4000);
    if (process.env['BULK_DEBUG']) console.log('shared 200/s', acceptedRate(vendor.accepted, t0, 5000), vendor.rateLimited);
    expect(acceptedRate(vendor.accepted, t0, 5000)).toBeGreaterThanOrEqual(170);
  });
});

describe('rate-limit answers', () => {
  it('are sent again after the window, without using up the ordinary attempts, and lower the rate for every call of the operation', async () => {
    let refusals = 3;
    const vendor = fakeVendor({ limitPerSecond: null, oneWayMs: 5, fail: () => (refusals-- > 0 ? 60007 : undefined) });
    const client = vendorClient(vendor, { retry: { attempts: 1 } });
    const call = track([client.getFriendLists({ From_Account: 'a' })]);
    await runUntil(() => call.settled() === 1, advance, 60_000, 50);
    const [outcome] = await call.outcomes;
    expect(outcome?.status).toBe('fulfilled');
    expect(vendor.arrivals).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(vendor.arrivals[i]! - vendor.arrivals[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('a bounded budget: a call that is refused for ever fails with the rate-limit code', async () => {
    const vendor = fakeVendor({ limitPerSecond: null, oneWayMs: 5, fail: () => 60007 });
    const client = vendorClient(vendor, { retry: { attempts: 1 } });
    const call = client.getFriendLists({ From_Account: 'a' });
    const settled = track([call]);
    await runUntil(() => settled.settled() === 1, advance, 120_000, 500);
    await expect(call).rejects.toMatchObject({ code: 60007 });
    expect(vendor.arrivals.length).toBeGreaterThan(1);
    expect(vendor.arrivals.length).toBeLessThanOrEqual(20);
  });
});

describe('partial failure of a split call', () => {
  const failChunkOf = (account: string) => (_path: string, body: Record<string, unknown>) =>
    (body['To_Account'] as string[] | undefined)?.includes(account) ? 30004 : undefined;

  it("chunkFailures: 'collect' resolves with the other chunks merged and the failed chunk's accounts and error", async () => {
    const vendor = fakeVendor({ limitPerSecond: documented, oneWayMs: 10, fail: failChunkOf('user250') });
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
    expect(vendor.arrivals).toHaveLength(10);
  });

  it('by default one failed chunk rejects the call, naming it', async () => {
    const vendor = fakeVendor({ limitPerSecond: documented, oneWayMs: 10, fail: failChunkOf('user250') });
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
      const vendor = fakeVendor({ limitPerSecond: null, oneWayMs: 50 });
      const controller = new AbortController();
      const call = vendorClient(vendor).getSpecifiedFriends(friendsOf(accountsNamed(5000)), { signal: controller.signal });
      const settled = track([call]);
      await runUntil(() => settled.settled() === 1, advance);
      await call;
      expect(vendor.arrivals).toHaveLength(50);
      await new Promise((resolve) => process.nextTick(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('a split call with an already-aborted signal sends nothing and rejects ABORTED', async () => {
    const vendor = fakeVendor({ limitPerSecond: documented, oneWayMs: 10 });
    const call = vendorClient(vendor).getSpecifiedFriends(
      friendsOf(accountsNamed(1000)),
      { signal: AbortSignal.abort(new Error('stop')) },
    );
    await expect(call).rejects.toMatchObject({ code: TransportCode.aborted, attempts: 0 });
    await advance(5000);
    expect(vendor.arrivals).toHaveLength(0);
  });
});
