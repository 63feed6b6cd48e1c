// client.api is openapi-fetch with its requests run through the pipeline (its `fetch` option): validated, signed,
// rate limited, retried, time limited, with lossless JSON both ways. `data` holds the envelope, FAIL included (after
// retries); `error` holds a non-2xx reply's body; failures without a reply reject with ChatApiError.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { makeClient } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

describe('client.api through the pipeline', () => {
  it('signs each request with the five auth parameters, and returns the envelope as data', async () => {
    fake.handle(() => reply.ok({ ResultItem: [{ GroupName: 'colleagues', FriendNumber: 2 }] }));
    const { data, error, response } = await makeClient(fake).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ ActionStatus: 'OK', ResultItem: [{ GroupName: 'colleagues', FriendNumber: 2 }] });
    expect(Object.keys(fake.requests[0]?.query ?? {}).sort()).toEqual(['contenttype', 'identifier', 'random', 'sdkappid', 'usersig']);
  });

  it('a cursor beyond 2^53 goes out with every digit and comes back exact, as a decimal string', async () => {
    fake.handle(() => reply.json('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupIdList":[],"Next":18446744073709551615}'));
    const { data } = await makeClient(fake).api.POST('/v4/group_open_http_svc/get_appid_group_list', {
      body: { Limit: 10, Next: 18446744073709551614n as never },
    });
    expect(fake.requests[0]?.rawBody).toBe('{"Limit":10,"Next":18446744073709551614}');
    expect(data?.Next).toBe('18446744073709551615');
  });

  it('a body the schema refuses rejects with INVALID_REQUEST, nothing sent', async () => {
    const outcome = await makeClient(fake).api.POST('/v4/sns/group_get', { body: { From_Account: '' } }).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ChatApiError);
    expect(outcome).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('a retryable FAIL envelope is retried, and the last one is handed back as data', async () => {
    fake.handle(() => reply.fail(30006, 'internal error'));
    const { data, response } = await makeClient(fake).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
    expect(fake.requests).toHaveLength(3);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 30006, ErrorInfo: 'internal error' });
  });

  it('a non-2xx reply is retried, then handed back as error with its status', async () => {
    fake.handle(() => reply.json({ title: 'Service Unavailable' }, 503));
    const { data, error, response } = await makeClient(fake).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
    expect(fake.requests).toHaveLength(3);
    expect(data).toBeUndefined();
    expect(response.status).toBe(503);
    expect(error).toEqual({ title: 'Service Unavailable' });
  });

  it('a timeout rejects with ChatApiError TIMEOUT after the retries', async () => {
    fake.handle(() => reply.hang());
    const outcome = await makeClient(fake, { timeoutMs: 50, retry: { retries: 1, baseDelayMs: 0, maxDelayMs: 0 } })
      .api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } })
      .catch((error: unknown) => error);
    expect(outcome).toMatchObject({ code: TransportCode.timeout, attempts: 2 });
  });

  it("the call's signal aborts it", async () => {
    fake.handle(() => reply.hang());
    const controller = new AbortController();
    const pending = makeClient(fake).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' }, signal: controller.signal }).catch((error: unknown) => error);
    await fake.waitForRequests(1);
    controller.abort();
    expect(await pending).toMatchObject({ code: TransportCode.aborted });
  });

  it('shares hooks with the methods', async () => {
    const seen: string[] = [];
    const client = makeClient(fake, { hooks: { onRequest: (event: { operation: string }) => seen.push(event.operation) } });
    await client.api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
    await client.getFriendLists({ From_Account: 'alice' });
    expect(seen).toEqual(['getFriendLists', 'getFriendLists']);
  });
});
