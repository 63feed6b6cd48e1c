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
