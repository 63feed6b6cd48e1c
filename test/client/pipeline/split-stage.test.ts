// split: an operation's documented chunk size (x-chunking.size) decides the split; a shorter list goes through whole.
import { expect, it } from 'vitest';
import { operations } from '../../../generated/api-facts.js';
import { splitStage } from '../../../src/pipeline/split-stage.js';
import { roundTripMeter } from '../../../src/round-trip.js';
import type { Call } from '../../../src/pipeline/context.js';
import { makeCall, ok } from './support.js';

const flowOf = () => ({ lane: undefined, roundTrip: roundTripMeter() });
const friendsCall = (count: number): Call =>
  makeCall({
    name: 'getSpecifiedFriends', operation: 'getSpecifiedFriends', path: '/v4/sns/friend_get_list',
    body: { From_Account: 'alice', To_Account: Array.from({ length: count }, (_, i) => `u${i}`), TagList: ['Tag_SNS_IM_Remark'] },
  });

function run(chunkSize: number | undefined, call: Call) {
  const sent: string[][] = [];
  const handler = splitStage({ chunkSize, maxConcurrency: 4, flowOf, rateOf: () => undefined, sharedQuota: () => false })(async (chunk) => {
    const accounts = (chunk.body as { To_Account?: string[] }).To_Account ?? [];
    sent.push(accounts);
    return ok({ InfoItem: accounts.map((To_Account) => ({ To_Account })), Fail_Account: [] });
  });
  return { sent, result: handler(call) };
}

it('splits by the size the document gives the operation', async () => {
  const size = operations.getSpecifiedFriends.chunking.size;
  const { sent, result } = run(undefined, friendsCall(size * 2 + 1));
  const merged = (await result) as { InfoItem: { To_Account: string }[] };
  expect(sent.map((chunk) => chunk.length)).toEqual([size, size, 1]);
  expect(merged.InfoItem.map((item) => item.To_Account)).toEqual(Array.from({ length: size * 2 + 1 }, (_, i) => `u${i}`));
});

it('a list within the size is one call; chunkSize overrides the documented size', async () => {
  expect(run(undefined, friendsCall(100)).sent).toHaveLength(1);
  const { sent, result } = run(30, friendsCall(100));
  await result;
  expect(sent.map((chunk) => chunk.length)).toEqual([30, 30, 30, 10]);
});

it('an operation without x-chunking is passed through as it is', async () => {
  const { sent, result } = run(1, makeCall());
  await result;
  expect(sent).toHaveLength(1);
});

it('under a shared quota, keeps the first window out until the call’s first reply, though a round trip is measured', async () => {
  // A client that measured 50 ms on its last job: sized by its share (45/s), 5 chunks; a new call's first requests may
  // wait for new connections, so on the shared schedule it keeps the lane's first window (170/s × 200 ms × 1.5 + 1).
  const lane = { key: '1400000000/getSpecifiedFriends', sdkAppId: 1400000000, operation: 'getSpecifiedFriends', limit: 200, callsPerSecond: 170 };
  const started = async (shared: boolean): Promise<{ before: number; after: number }> => {
    const roundTrip = roundTripMeter();
    roundTrip.observe(50);
    const waiting: (() => void)[] = [];
    const handler = splitStage({ chunkSize: 1, maxConcurrency: 64, flowOf: () => ({ lane, roundTrip }), rateOf: () => 45, sharedQuota: () => shared })(async (chunk) => {
      await new Promise<void>((release) => waiting.push(release));
      const accounts = (chunk.body as { To_Account: string[] }).To_Account;
      return ok({ InfoItem: accounts.map((To_Account) => ({ To_Account })), Fail_Account: [] });
    });
    const result = handler(friendsCall(200));
    await Promise.resolve();
    const before = waiting.length;
    // The first reply: the window is the measured one again, so no chunk starts until fewer than 5 are out.
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const after = waiting.length;
    while (waiting.length > 0) {
      waiting.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await result;
    return { before, after };
  };
  expect(await started(true)).toEqual({ before: Math.ceil(170 * 0.2 * 1.5) + 1, after: Math.ceil(170 * 0.2 * 1.5) });
  expect(await started(false)).toEqual({ before: Math.ceil(45 * 0.05 * 1.5) + 1, after: Math.ceil(45 * 0.05 * 1.5) + 1 });
});
