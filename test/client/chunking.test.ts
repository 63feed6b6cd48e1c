// getSpecifiedFriends with more To_Account entries than one call takes (x-chunking: 100): split into calls of at
// most 100, run with bounded concurrency, lists merged in input order; one failed chunk fails the call and says which.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operations } from '../../generated/api-facts.js';
import { TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import { accountsNamed, countingFetch, flushIo, makeClient, realDelay, rejection, specifiedFriendsBody } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

const chunkSize = operations.getSpecifiedFriends.chunking.size;

function accountsOf(request: RecordedRequest | undefined): string[] {
  return ((request?.json() as { To_Account?: string[] } | undefined)?.To_Account ?? []);
}

/** Replies with one InfoItem per requested account (ResultCode 0, or the given code), and Fail_Account for those. */
function friendsReply(request: RecordedRequest, failing: ReadonlyMap<string, number> = new Map()): ReturnType<typeof reply.ok> {
  const accounts = accountsOf(request);
  return reply.ok({
    InfoItem: accounts.map((account) => ({
      To_Account: account,
      ResultCode: failing.get(account) ?? 0,
      SnsProfileItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: `remark of ${account}` }],
    })),
    Fail_Account: accounts.filter((account) => failing.has(account)),
  });
}

describe('splitting and merging', () => {
  it('250 accounts → 3 requests of 100/100/50; InfoItem merged in input order; Fail_Account merged', async () => {
    const accounts = accountsNamed(250);
    const failing = new Map([
      ['user7', 30001],
      ['user150', 30001],
      ['user249', 30001],
    ]);
    // The first chunk answers last, so a merge in completion order would show.
    fake.handle(async (request) => {
      if (accountsOf(request)[0] === 'user0') {
        await fake.waitForRequests(3);
        await realDelay(30);
      }
      return friendsReply(request, failing);
    });
    const body = specifiedFriendsBody(accounts);
    const result = await makeClient(fake).getSpecifiedFriends(body);

    expect(chunkSize).toBe(100);
    expect(fake.requests).toHaveLength(3);
    const sent = fake.requests.map(accountsOf).sort((a, b) => Number(a[0]?.slice(4)) - Number(b[0]?.slice(4)));
    expect(sent.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(sent.flat()).toEqual(accounts);
    // Every chunk keeps the rest of the body.
    for (const request of fake.requests) {
      const { To_Account: _accounts, ...rest } = request.json() as Record<string, unknown>;
      expect(rest).toEqual({ From_Account: body.From_Account, TagList: body.TagList });
    }

    expect(result.ActionStatus).toBe('OK');
    expect(result.InfoItem?.map((item) => item.To_Account)).toEqual(accounts);
    expect(result.InfoItem?.find((item) => item.To_Account === 'user150')).toMatchObject({ ResultCode: 30001 });
    expect(result.Fail_Account).toEqual(['user7', 'user150', 'user249']);
    // The caller's body is not modified.
    expect(body.To_Account).toHaveLength(250);
  });

  it('exactly 100 accounts is one request', async () => {
    fake.handle((request) => friendsReply(request));
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(100)));
    expect(fake.requests).toHaveLength(1);
    expect(result.InfoItem).toHaveLength(100);
  });

  it('one failing account (per-item ResultCode) does not fail the split call', async () => {
    fake.handle((request) => friendsReply(request, new Map([['user120', 30001]])));
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(250)));
    expect(result.InfoItem).toHaveLength(250);
    expect(result.InfoItem?.[120]).toMatchObject({ To_Account: 'user120', ResultCode: 30001 });
    expect(result.Fail_Account).toEqual(['user120']);
  });

  it('a merged list is left out when no chunk returned it', async () => {
    fake.handle((request) => reply.ok({ InfoItem: accountsOf(request).map((To_Account) => ({ To_Account, ResultCode: 0 })) }));
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(150)));
    expect(result.InfoItem).toHaveLength(150);
    expect('Fail_Account' in result).toBe(false);
  });

  it('chunkSize sets the split', async () => {
    fake.handle((request) => friendsReply(request));
    await makeClient(fake, { chunkSize: 30 }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(100)));
    expect(fake.requests.map((request) => accountsOf(request).length).sort((a, b) => b - a)).toEqual([30, 30, 30, 10]);
  });
});

describe('a failed chunk', () => {
  it('FAIL envelope on one chunk → the call rejects naming the chunk and its accounts', async () => {
    fake.handle((request) => (accountsOf(request)[0] === 'user100' ? reply.fail(30004, 'admin only') : friendsReply(request)));
    const error = await rejection(makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(250))));

    expect(error).toMatchObject({ code: 30004, operation: 'getSpecifiedFriends', retryable: false, attempts: 1, httpStatus: 200 });
    expect(error.message).toContain('chunk 2 of 3');
    expect(error.message).toContain('user100');
    expect(error.message).toContain('user199');
    expect(error.message).toContain('100 in all');
    expect(error.chunk).toEqual({ index: 1, count: 3, items: accountsNamed(200).slice(100) });
  });

  it('a chunk that keeps failing with a transport error is retried, then fails the call', async () => {
    fake.handle((request) => (accountsOf(request)[0] === 'user200' ? reply.html(502) : friendsReply(request)));
    const error = await rejection(makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(250))));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 502, attempts: 3 });
    expect(error.chunk?.index).toBe(2);
    expect(error.chunk?.items).toEqual(accountsNamed(250).slice(200));
    expect(fake.requests.filter((request) => accountsOf(request)[0] === 'user200')).toHaveLength(3);
  });

  it('a chunk that fails once and then succeeds does not fail the call', async () => {
    let failedOnce = false;
    fake.handle((request) => {
      if (accountsOf(request)[0] === 'user100' && !failedOnce) {
        failedOnce = true;
        return reply.reset();
      }
      return friendsReply(request);
    });
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(250)));
    expect(result.InfoItem?.map((item) => item.To_Account)).toEqual(accountsNamed(250));
    expect(fake.requests).toHaveLength(4);
  });

  it('stops the chunks that were still waiting for their turn', async () => {
    fake.handle((request) => (accountsOf(request)[0] === 'user0' ? reply.fail(30004) : friendsReply(request)));
    const wire = countingFetch();
    await rejection(makeClient(fake, { chunkSize: 10, chunkConcurrency: 1, fetch: wire.fetch }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(100))));
    await flushIo();
    expect(wire.count()).toBe(1);
  });
});

describe('concurrency', () => {
  it('chunkConcurrency 2 → never more than 2 requests in flight at the server, and 2 do overlap', async () => {
    // Each reply waits until a second request is in flight or all have arrived (or, failing that, two seconds).
    fake.handle(async (request) => {
      for (let i = 0; i < 1000 && fake.inFlight < 2 && fake.requests.length < 10; i++) await realDelay(2);
      return friendsReply(request);
    });
    const result = await makeClient(fake, { chunkSize: 10, chunkConcurrency: 2 }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(95)));
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBe(2);
    expect(result.InfoItem?.map((item) => item.To_Account)).toEqual(accountsNamed(95));
  });

  it('without a rate limit, the default cap lets every chunk of a 10-chunk call be in flight at once', async () => {
    // Each reply waits until all 10 requests are in flight (or, failing that, two seconds).
    fake.handle(async (request) => {
      for (let i = 0; i < 1000 && fake.inFlight < 10; i++) await realDelay(2);
      return friendsReply(request);
    });
    await makeClient(fake, { chunkSize: 10 }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(100)));
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBe(10);
  });

  it('with a rate limit, 10 chunks are out before the first reply, not the cap', async () => {
    // The first reply waits until 10 requests are in flight, then long enough for an 11th to come if it would
    // (the pacer spaces sends ~7 ms apart at the documented limit).
    let inFlightAtFirstReply: number | undefined;
    fake.handle(async (request) => {
      if (inFlightAtFirstReply === undefined) {
        for (let i = 0; i < 2500 && fake.inFlight < 10; i++) await realDelay(2);
        for (let i = 0; i < 100 && fake.inFlight < 11; i++) await realDelay(2);
        inFlightAtFirstReply ??= fake.inFlight;
      }
      return friendsReply(request);
    });
    const result = await makeClient(fake, { chunkSize: 10, rateLimit: 200 }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(300)));
    expect(result.InfoItem).toHaveLength(300);
    expect(inFlightAtFirstReply).toBe(10);
  });

  it('an abort stops the split call: ABORTED, and no chunk is sent after it', async () => {
    fake.handle(() => reply.hang());
    const controller = new AbortController();
    const wire = countingFetch();
    const pending = makeClient(fake, { chunkSize: 10, chunkConcurrency: 2, fetch: wire.fetch }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(100)), {
      signal: controller.signal,
    });
    await fake.waitForRequests(2);
    controller.abort();
    const error = await rejection(pending);
    expect(error.code).toBe(TransportCode.aborted);
    await flushIo();
    expect(wire.count()).toBe(2);
  });
});
