// Per-call options (signal, headers, timeoutMs, retry) and how a call reports its end: a caller's timeout signal is a
// timeout, a caller's abort reason is kept as the cause unaltered, `attempts` counts requests actually sent, and the
// caller's signal collects no listeners however many calls share it.
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { accountsNamed, makeClient, rejection, specifiedFriendsBody } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

describe('per-call options', () => {
  it('timeoutMs limits each attempt of this call', async () => {
    fake.handle(() => reply.hang());
    const error = await rejection(makeClient(fake, { timeoutMs: 60_000 }).getFriendLists({ From_Account: 'alice' }, { timeoutMs: 30, retry: false }));
    expect(error).toMatchObject({ code: TransportCode.timeout, info: 'timed out after 30 ms', attempts: 1 });
  });

  it('retry: false makes one attempt; retry options merge over the client’s', async () => {
    fake.handle(() => reply.html(503));
    const client = makeClient(fake);
    expect((await rejection(client.getFriendLists({ From_Account: 'a' }, { retry: false }))).attempts).toBe(1);
    expect((await rejection(client.getFriendLists({ From_Account: 'a' }, { retry: { retries: 1 } }))).attempts).toBe(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('a bad per-call option rejects, nothing sent', async () => {
    await expect(makeClient(fake).getFriendLists({ From_Account: 'a' }, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs must be a positive integer/);
    await expect(makeClient(fake).getFriendLists({ From_Account: 'a' }, { retry: { retries: -1 } })).rejects.toThrow(/^call options: retry\.retries must be/);
    await expect(makeClient(fake).getFriendLists({ From_Account: 'a' }, { retry: { attempts: 3 } as never })).rejects.toThrow(/^call options: retry\.attempts was renamed: use \.retries/);
    const header = (await makeClient(fake).getFriendLists({ From_Account: 'a' }, { headers: { 'x-token': 'secret\nvalue' } }).catch((error: unknown) => error)) as TypeError;
    expect(header).toBeInstanceOf(TypeError);
    expect(header.message).toMatch(/^call options: headers must be/);
    expect(header.message).not.toContain('secret');
    await expect(makeClient(fake).getFriendLists({ From_Account: 'a' }, { chunkFailures: 'ignore' as never })).rejects.toThrow(/^call options: chunkFailures must be 'reject' or 'collect'/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('how a call ends', () => {
  it("a caller's AbortSignal.timeout() firing is a TIMEOUT, with the signal's reason as cause", async () => {
    fake.handle(() => reply.hang());
    const signal = AbortSignal.timeout(30);
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }, { signal }));
    expect(error).toMatchObject({ code: TransportCode.timeout, retryable: false, attempts: 1 });
    expect(error.cause).toBe(signal.reason);
    expect((error.cause as Error).name).toBe('TimeoutError');
  });

  it("the caller's abort reason is the cause, unaltered, and attempts counts the requests sent", async () => {
    fake.handle(() => reply.html(503));
    const controller = new AbortController();
    const reason = { why: 'shutting down', at: 42 };
    // Retries wait a long back-off; the abort comes during the first one.
    const pending = makeClient(fake, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } }).getFriendLists(
      { From_Account: 'alice' },
      { signal: controller.signal },
    );
    await fake.waitForRequests(1);
    controller.abort(reason);
    const error = await rejection(pending);
    expect(error).toMatchObject({ code: TransportCode.aborted, attempts: 1 });
    expect(error.cause).toBe(reason);
  });

  it('an already-aborted signal: nothing is sent, attempts 0', async () => {
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }, { signal: AbortSignal.abort('stop') }));
    expect(error).toMatchObject({ code: TransportCode.aborted, attempts: 0, cause: 'stop' });
    expect(fake.requests).toHaveLength(0);
  });

  it('a split call with an already-aborted signal sends none of its chunks', async () => {
    const error = await rejection(
      makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(250)), { signal: AbortSignal.abort() }),
    );
    expect(error).toMatchObject({ code: TransportCode.aborted, attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('one signal shared by many calls', () => {
  it('carries one listener while 30 calls are in flight, none after, and warns of nothing', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      fake.handle(() => reply.hang());
      const controller = new AbortController();
      const client = makeClient(fake);
      const calls = accountsNamed(30).map((account) => client.getFriendLists({ From_Account: account }, { signal: controller.signal }));
      await fake.waitForRequests(30);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      const errors = await Promise.all(calls.map((call) => rejection(call)));
      expect(errors.every((error) => error.code === TransportCode.aborted)).toBe(true);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
