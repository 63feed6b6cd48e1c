// How each kind of failed reply becomes a ChatApiError: code, operation, HTTP status, retryability, attempts. And what
// is not a failure: per-item results inside a successful reply.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { DEFAULT_RETRY } from '../../src/retry-policy.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { makeClient, realDelay, rejection, specifiedFriendsBody } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

describe('transport failures (retried: 3 attempts by default)', () => {
  it('HTTP 502 with an HTML page → HTTP_ERROR 502, retried, message without markup', async () => {
    fake.handle(() => reply.html(502));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, operation: 'getFriendLists', httpStatus: 502, retryable: true, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
    expect(error.message).toContain('502');
    expect(error.message).toContain('Bad Gateway');
    expect(error.message).not.toMatch(/[<>]/);
    expect(error.message).not.toContain('padding');
    expect(error.message.length).toBeLessThan(400);
  });

  it('connection reset → NETWORK_ERROR, retried', async () => {
    fake.handle(() => reply.reset());
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.network, operation: 'getFriendLists', httpStatus: undefined, retryable: true, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('body cut short by a dropped connection → NETWORK_ERROR, retried', async () => {
    fake.handle(() => reply.cut());
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.network, retryable: true, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('no reply → TIMEOUT after timeoutMs on each attempt, retried, then fails', async () => {
    fake.handle(() => reply.hang());
    const error = await rejection(makeClient(fake, { timeoutMs: 100 }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.timeout, operation: 'getFriendLists', httpStatus: undefined, retryable: true, attempts: 3 });
    expect(error.message).toContain('100 ms');
    expect(fake.requests).toHaveLength(3);
  });

  it('headers but no body → TIMEOUT (the time limit covers reading the body)', async () => {
    fake.handle(() => reply.hangAfterHeaders());
    const error = await rejection(makeClient(fake, { timeoutMs: 100, retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.timeout, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('a timeoutMs beyond setTimeout’s range is no practical limit, not an instant timeout', async () => {
    fake.handle(async () => {
      await realDelay(30);
      return reply.ok();
    });
    const result = await makeClient(fake, { timeoutMs: 2 ** 31, retry: false }).getFriendLists({ From_Account: 'alice' });
    expect(result.ActionStatus).toBe('OK');
  });

  it('HTTP 429 → HTTP_ERROR 429, retried from the rate-limit budget (rateLimitResends re-sends by default)', async () => {
    fake.handle(() => reply.json({ title: 'Too Many Requests' }, 429));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 429, retryable: true, attempts: 1 + DEFAULT_RETRY.rateLimitResends });
    expect(error.info).toContain('Too Many Requests');
    expect(fake.requests).toHaveLength(1 + DEFAULT_RETRY.rateLimitResends);
  });

  it('HTTP 400 → HTTP_ERROR 400, not retried', async () => {
    fake.handle(() => reply.raw('bad request', 400, 'text/plain'));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 400, retryable: false, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('replies that are not a result envelope', () => {
  it('truncated JSON → INVALID_JSON', async () => {
    fake.handle(() => reply.truncatedJson());
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.invalidJson, operation: 'getFriendLists', httpStatus: 200, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('empty 200 → INVALID_JSON', async () => {
    fake.handle(() => reply.empty());
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.invalidJson, httpStatus: 200, attempts: 1 });
    expect(error.info).toMatch(/empty/);
  });

  it('INVALID_JSON is retried (a garbled reply may be transient)', async () => {
    fake.replySequence(reply.truncatedJson(), reply.empty(), reply.ok({ ResultItem: [] }));
    const result = await makeClient(fake).getFriendLists({ From_Account: 'alice' });
    expect(result.ResultItem).toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it('JSON without ErrorCode → INVALID_REPLY, not retried', async () => {
    fake.handle(() => reply.json({ ActionStatus: 'OK', ResultItem: [] }));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.invalidReply, httpStatus: 200, retryable: false, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('a JSON array or a string ErrorCode → INVALID_REPLY', async () => {
    fake.replySequence(reply.json([1, 2]), reply.json({ ActionStatus: 'OK', ErrorCode: '0' }));
    const client = makeClient(fake);
    expect((await rejection(client.getFriendLists({ From_Account: 'alice' }))).code).toBe(TransportCode.invalidReply);
    expect((await rejection(client.getFriendLists({ From_Account: 'alice' }))).code).toBe(TransportCode.invalidReply);
  });
});

describe('failure envelopes', () => {
  it('ErrorCode and ErrorInfo without ActionStatus, nonzero code → rejects with that code', async () => {
    fake.handle(() => reply.json({ ErrorCode: 30003, ErrorInfo: 'account not found' }));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 30003, info: 'account not found', operation: 'getFriendLists', httpStatus: 200, attempts: 1 });
    expect(error.message).toContain('30003');
  });

  it('ErrorCode 0 without ActionStatus is a success', async () => {
    fake.handle(() => reply.json({ ErrorCode: 0, ErrorInfo: '', ResultItem: [{ GroupName: 'g' }] }));
    const result = await makeClient(fake).getFriendLists({ From_Account: 'alice' });
    expect(result.ResultItem).toEqual([{ GroupName: 'g' }]);
  });

  it('ActionStatus FAIL with ErrorCode 0 is still a failure', async () => {
    fake.handle(() => reply.json({ ActionStatus: 'FAIL', ErrorCode: 0, ErrorInfo: 'odd' }));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 0, info: 'odd', attempts: 1 });
  });

  it('keeps ErrorDisplay when the server sends one', async () => {
    fake.handle(() => reply.fail(30004, 'need admin', { ErrorDisplay: '需要管理员权限' }));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 30004, info: 'need admin', display: '需要管理员权限' });
  });

  it('a code the document does not list is not retried', async () => {
    fake.handle(() => reply.fail(99999, 'new code'));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 99999, retryable: false, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('is a ChatApiError whose JSON form keeps what a log needs', async () => {
    fake.handle(() => reply.fail(30003, 'account not found'));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ChatApiError');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'ChatApiError', code: 30003, info: 'account not found', operation: 'getFriendLists', httpStatus: 200, retryable: false, attempts: 1,
    });
  });
});

describe('per-item failures are data, not errors', () => {
  it('getSpecifiedFriends: OK envelope with a ResultCode 30001 item and Fail_Account resolves with both intact', async () => {
    const infoItem = [
      { To_Account: 'bob', ResultCode: 0, ResultInfo: '', SnsProfileItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: 'Bobby' }] },
      { To_Account: 'ghost', ResultCode: 30001, ResultInfo: 'Err_SNS_FriendGetList_Friend_Not_Exist' },
    ];
    fake.handle(() => reply.ok({ InfoItem: infoItem, Fail_Account: ['ghost'] }));
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(['bob', 'ghost']));
    expect(result).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', InfoItem: infoItem, Fail_Account: ['ghost'] });
    expect(fake.requests).toHaveLength(1);
  });

  it('a nonzero ResultCode inside an item is never mistaken for a call failure, even a retryable one', async () => {
    fake.handle(() => reply.ok({ InfoItem: [{ To_Account: 'bob', ResultCode: 30006 }] }));
    const result = await makeClient(fake).getSpecifiedFriends(specifiedFriendsBody(['bob']));
    expect(result.InfoItem).toEqual([{ To_Account: 'bob', ResultCode: 30006 }]);
    expect(fake.requests).toHaveLength(1);
  });
});

it('every rejection is a ChatApiError, never a bare fetch TypeError', async () => {
  fake.handle(() => reply.reset());
  await expect(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' })).rejects.toBeInstanceOf(ChatApiError);
});
