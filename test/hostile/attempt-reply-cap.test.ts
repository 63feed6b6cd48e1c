// Replies are read with a byte cap (maxReplyBytes, default 2 MiB: the vendor caps replies at 1 MB): a larger or
// endless body fails with REPLY_TOO_LARGE after reading at most about the cap, and is not retried.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { DEFAULT_MAX_REPLY_BYTES } from '../../src/options.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../client/fake-upstream.js';
import { makeClient, rejection } from '../client/helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

const bigOk = (bytes: number) => reply.ok({ Pad: 'x'.repeat(bytes) });

it('the default cap leaves room above the vendor’s 1 MB', () => {
  expect(DEFAULT_MAX_REPLY_BYTES).toBeGreaterThan(1_000_000);
});

it('a reply above the cap (Content-Length): REPLY_TOO_LARGE, one request, not retried', async () => {
  fake.handle(() => bigOk(DEFAULT_MAX_REPLY_BYTES + 1000));
  const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
  expect(error).toMatchObject({ code: TransportCode.replyTooLarge, retryable: false, attempts: 1, httpStatus: 200 });
  expect(fake.requests).toHaveLength(1);
});

it('an endless body: REPLY_TOO_LARGE once about the cap was read, one request', async () => {
  fake.handle(() => reply.endless());
  const error = await rejection(makeClient(fake, { maxReplyBytes: 256 * 1024 }).getFriendLists({ From_Account: 'alice' }));
  expect(error).toMatchObject({ code: TransportCode.replyTooLarge, retryable: false, attempts: 1 });
  expect(fake.requests).toHaveLength(1);
  // What the server managed to write is bounded by the cap plus what socket buffers hold, not by the timeout.
  expect(fake.endlessBytes).toBeLessThan(16 * 1024 * 1024);
});

it('a reply within the cap is read whole, and maxReplyBytes raises the cap', async () => {
  fake.handle(() => bigOk(1_500_000));
  await expect(makeClient(fake).getFriendLists({ From_Account: 'alice' })).resolves.toMatchObject({ ActionStatus: 'OK' });
  fake.handle(() => bigOk(3_000_000));
  await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
  const result = await makeClient(fake, { maxReplyBytes: 4_000_000 }).getFriendLists({ From_Account: 'alice' });
  expect((result as { Pad?: string }).Pad).toHaveLength(3_000_000);
});

it('maxReplyBytes must be a positive integer', () => {
  expect(() => makeClient(fake, { maxReplyBytes: 0 })).toThrow(/options\.maxReplyBytes must be a positive integer/);
});
