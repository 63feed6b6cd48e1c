// Bulk-work tests on fake clocks run against the package's fake vendor (src/testing): this only builds it and its
// clients. The fake's latency waits on setTimeout and its clock reads Date.now, both faked by the tests, so a test
// drives time itself and sees the same schedule on any machine. Limits are per operation (= per path), counted at
// arrival in a sliding 1 s window and answered 60007 beyond it; several clients given the same fake share its quota.
import { vi } from 'vitest';
import { createChatClient, type ChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/types.js';
import { genUserSig } from '../../src/user-sig.js';
import { createFakeVendor, FAKE_APP, generateDataset, type FakeVendor, type FakeVendorOptions } from '../../src/testing/index.js';

/** The owner `alice`, 40,000 friends and 4,000 other accounts: every account the bulk tests name. */
export const dataset = generateDataset({ owner: 'alice', friends: 40_000, strangers: 4_000, groups: 0, conversations: 0, conversationGroups: 0 });

// A pre-made usersig, so the client signs nothing on the fake clock.
const userSig = await genUserSig({ sdkAppId: FAKE_APP.sdkAppId, identifier: FAKE_APP.identifier, secretKey: FAKE_APP.secretKey, expireSeconds: 10 * 365 * 86_400 });

export interface BulkVendorOptions {
  /** Accepted calls per operation in any 1 s window (false: no limit). */
  rateLimit: FakeVendorOptions['rateLimit'];
  /** One-way latency in ms (the round trip is twice this). */
  oneWayMs: number;
}

/**
 * The fake vendor on the fake clock, its usersig check already done once: the fake verifies a usersig with
 * WebCrypto (real asynchronous work, outside fake time) and caches the verdict, so warming it here keeps every
 * later call on fake time only. Calls and counters of the warm-up are forgotten, and its window slot has expired.
 */
export async function bulkVendor(options: BulkVendorOptions): Promise<FakeVendor> {
  const fake = createFakeVendor({ dataset, now: () => Date.now(), rateLimit: options.rateLimit, latency: { rttMs: 2 * options.oneWayMs } });
  let done = false;
  const warm = vendorClient(fake).getFriendLists({ From_Account: dataset.owner });
  warm.then(() => (done = true), () => (done = true));
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(1);
  }
  await warm;
  await vi.advanceTimersByTimeAsync(1000);
  fake.reset();
  return fake;
}

/** A client of the fake with a pre-made usersig and the document's rate limits. */
export function vendorClient(fake: FakeVendor, overrides: Partial<Record<keyof ChatClientOptions, unknown>> = {}): ChatClient {
  const { secretKey: _secretKey, ...options } = fake.clientOptions();
  return createChatClient({ ...options, userSig, ...overrides } as ChatClientOptions);
}

/** Arrival times (ms, fake clock) of every call, and of the accepted ones. */
export const arrivals = (fake: FakeVendor): number[] => fake.calls.map((call) => call.at);
export const accepted = (fake: FakeVendor): number[] => fake.calls.filter((call) => call.errorCode === 0).map((call) => call.at);

/** Advances fake time in steps until `done()`, failing after `limitMs` of fake time. */
export async function runUntil(done: () => boolean, advance: (ms: number) => Promise<unknown>, limitMs = 600_000, stepMs = 250): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`not done after ${limitMs} ms of fake time`);
    await advance(stepMs);
  }
  return performance.now() - start;
}
