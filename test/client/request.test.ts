// chat.request(path, body): any TIM REST path through the same pipeline. A path the document describes behaves
// exactly like its method; any other path is signed, limited and checked the same way, gets only the public error
// codes, and is re-sent only after failures that provably did not execute (it may be a write).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { makeClient, rejection } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

const ACCOUNT_CHECK = 'v4/im_open_login_svc/account_check';

describe('a path of the document', () => {
  it.each(['v4/sns/group_get', '/v4/sns/group_get'])('%s: sent like getFriendLists, and validated by its schema', async (path) => {
    fake.handle(() => reply.ok({ ResultItem: [] }));
    const client = makeClient(fake);
    const result = await client.request(path, { From_Account: 'alice' });
    expect(result.ActionStatus).toBe('OK');
    expect(fake.requests[0]?.path).toBe('/v4/sns/group_get');
    expect(Object.keys(fake.requests[0]?.query ?? {}).sort()).toEqual(['contenttype', 'identifier', 'random', 'sdkappid', 'usersig']);
    const error = await rejection(client.request(path, { From_Account: 'alice', Bogus: 1 } as never));
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, operation: 'getFriendLists', attempts: 0 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('a path the document does not describe', () => {
  it('is signed and sent, and its reply envelope checked', async () => {
    fake.handle(() => reply.ok({ ResultItem: [{ UserID: 'bob', AccountStatus: 'Imported' }] }));
    const result = await makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [{ UserID: 'bob' }] });
    expect(result['ResultItem']).toEqual([{ UserID: 'bob', AccountStatus: 'Imported' }]);
    expect(fake.requests[0]?.path).toBe(`/${ACCOUNT_CHECK}`);
    expect(fake.requests[0]?.json()).toEqual({ CheckItem: [{ UserID: 'bob' }] });
    expect(fake.requests[0]?.query['usersig']).toBeTruthy();
  });

  it('a FAIL envelope rejects with its code, named by the path', async () => {
    fake.handle(() => reply.fail(70107, 'not imported'));
    const error = await rejection(makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] }));
    expect(error).toMatchObject({ code: 70107, operation: `/${ACCOUNT_CHECK}`, attempts: 1 });
  });

  it('a body that is not a JSON object is refused, nothing sent', async () => {
    const error = await rejection(makeClient(fake).request(ACCOUNT_CHECK, [1, 2] as never));
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it.each(['https://evil.example/v4/a/b', 'v4/a/b?x=1', 'v4/../admin', '', 'v4'])('path %j is refused', async (path) => {
    await expect(makeClient(fake).request(path, {})).rejects.toThrow(/request: path must look like/);
    expect(fake.requests).toHaveLength(0);
  });

  it('a reset connection is not retried: the request may have executed', async () => {
    fake.handle(() => reply.reset());
    const error = await rejection(makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] }));
    expect(error).toMatchObject({ code: TransportCode.network, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('an operation-specific retryable code (10002 of getAppGroups) is not retried on another path', async () => {
    fake.handle(() => reply.fail(10002, 'internal'));
    const error = await rejection(makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] }));
    expect(error).toMatchObject({ code: 10002, retryable: false, attempts: 1 });
  });

  it('a public 5xx-like code that may have executed (70500) is not re-sent either', async () => {
    fake.handle(() => reply.fail(70500, 'internal'));
    const error = await rejection(makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] }));
    expect(error).toMatchObject({ code: 70500, retryable: true, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('a rate-limit refusal did not execute: it is re-sent', async () => {
    fake.replySequence(reply.fail(60007, 'too many'), reply.ok());
    await makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] });
    expect(fake.requests).toHaveLength(2);
  });

  it('an expired usersig did not execute: it is re-signed and re-sent', async () => {
    fake.replySequence(reply.fail(70001, 'expired'), reply.ok());
    await makeClient(fake).request(ACCOUNT_CHECK, { CheckItem: [] });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.query['usersig']).not.toBe(fake.requests[1]?.query['usersig']);
  });

  it('a refused connection did not execute: it is retried', async () => {
    const url = fake.url;
    await fake.close();
    const tried: string[] = [];
    const client = makeClient(fake, { baseUrl: url, fetch: (request: Request) => (tried.push(request.url), fetch(request)) });
    const error = await rejection(client.request(ACCOUNT_CHECK, { CheckItem: [] }));
    expect(error).toMatchObject({ code: TransportCode.network, attempts: 3 });
    expect(error.info).toContain('ECONNREFUSED');
    expect(tried).toHaveLength(3);
  });
});
