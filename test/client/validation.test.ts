// Request bodies are checked against the document before anything is sent: a bad body never reaches the server, and
// the error (INVALID_REQUEST, 0 attempts) names the field and the rule it breaks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/api-facts.js';
import { TransportCode } from '../../src/errors.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { countingFetch, flushIo, makeClient, rejection, specifiedFriendsBody } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

interface BadBody {
  name: string;
  operation: OperationId;
  body: unknown;
  /** Text the error must contain: the field and the rule. */
  field: string;
  rule: RegExp;
}

const badBodies: BadBody[] = [
  { name: 'missing From_Account', operation: 'getFriendLists', body: {}, field: 'From_Account', rule: /is required/ },
  { name: 'empty From_Account', operation: 'getFriendLists', body: { From_Account: '' }, field: 'From_Account', rule: /fewer than 1 characters/ },
  { name: 'From_Account a number', operation: 'getFriendLists', body: { From_Account: 42 }, field: 'From_Account', rule: /must be string/ },
  { name: 'unknown field', operation: 'getFriendLists', body: { From_Account: 'a', Extra: 1 }, field: 'Extra', rule: /not a field of this request/ },
  { name: 'NeedFriend not in the enum', operation: 'getFriendLists', body: { From_Account: 'a', NeedFriend: 'yes' }, field: 'NeedFriend', rule: /allowed values/ },
  { name: 'negative LastSequence', operation: 'getFriendLists', body: { From_Account: 'a', LastSequence: -1 }, field: 'LastSequence', rule: />= 0/ },
  { name: 'empty To_Account', operation: 'getSpecifiedFriends', body: specifiedFriendsBody([]), field: 'To_Account', rule: /fewer than 1 items/ },
  { name: 'empty account in To_Account', operation: 'getSpecifiedFriends', body: specifiedFriendsBody(['bob', '']), field: 'To_Account.1', rule: /fewer than 1 characters/ },
  { name: 'TagList entry off the pattern', operation: 'getSpecifiedFriends', body: { ...specifiedFriendsBody(['bob']), TagList: ['Nickname'] }, field: 'TagList.0', rule: /must match pattern/ },
  { name: 'missing TagList', operation: 'getSpecifiedFriends', body: { From_Account: 'a', To_Account: ['b'] }, field: 'TagList', rule: /is required/ },
  { name: 'Limit 0', operation: 'getAppGroups', body: { Limit: 0, Next: 0 }, field: 'Limit', rule: />= 1/ },
  { name: 'Limit 10001', operation: 'getAppGroups', body: { Limit: 10001, Next: 0 }, field: 'Limit', rule: /<= 10000/ },
  { name: 'Limit 1.5', operation: 'getAppGroups', body: { Limit: 1.5, Next: 0 }, field: 'Limit', rule: /must be integer/ },
  { name: 'Next negative bigint', operation: 'getAppGroups', body: { Limit: 1, Next: -5n }, field: 'Next', rule: />= 0/ },
  { name: 'GroupType unknown', operation: 'getAppGroups', body: { Limit: 1, Next: 0, GroupType: 'Secret' }, field: 'GroupType', rule: /allowed values/ },
  { name: 'StartIndex missing', operation: 'getConversationGroupMarks', body: { From_Account: 'a' }, field: 'StartIndex', rule: /is required/ },
  { name: 'StartIndex a string', operation: 'getConversationGroupMarks', body: { From_Account: 'a', StartIndex: '0' }, field: 'StartIndex', rule: /must be integer/ },
  { name: 'body not an object', operation: 'getConversationGroupMarks', body: 'hello', field: 'body', rule: /must be object/ },
];

describe('a bad body is refused before sending', () => {
  it.each(badBodies)('$operation: $name', async ({ operation, body, field, rule }) => {
    const wire = countingFetch();
    const client = makeClient(fake, { fetch: wire.fetch });
    const error = await rejection((client[operation] as (b: unknown) => Promise<unknown>)(body));
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, operation, retryable: false, attempts: 0 });
    expect(error.httpStatus).toBeUndefined();
    expect(error.message).toContain('nothing was sent');
    expect(error.info).toContain(field);
    expect(error.info).toMatch(rule);
    await flushIo();
    expect(wire.count()).toBe(0);
  });

  it('names every broken field at once', async () => {
    const error = await rejection(makeClient(fake).getSpecifiedFriends({ From_Account: '', To_Account: [], TagList: [] }));
    expect(error.info).toContain('From_Account');
    expect(error.info).toContain('To_Account');
    expect(error.info).toContain('TagList');
    expect(fake.requests).toHaveLength(0);
  });

  it('a split call with one bad account among 250 sends no chunk at all', async () => {
    const accounts = Array.from({ length: 250 }, (_, i) => (i === 180 ? '' : `user${i}`));
    const wire = countingFetch();
    const error = await rejection(makeClient(fake, { fetch: wire.fetch }).getSpecifiedFriends(specifiedFriendsBody(accounts)));
    expect(error.code).toBe(TransportCode.invalidRequest);
    expect(error.info).toContain('To_Account.180');
    await flushIo();
    expect(wire.count()).toBe(0);
  });

  it('the refusal is a rejected promise, not a synchronous throw', () => {
    const client = makeClient(fake);
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = (client.getFriendLists as (b: unknown) => Promise<unknown>)({});
    }).not.toThrow();
    return expect(promise).rejects.toMatchObject({ code: TransportCode.invalidRequest });
  });

  it('a valid bigint cursor passes the check and is sent', async () => {
    await makeClient(fake).getAppGroups({ Limit: 1, Next: 9007199254740993n });
    expect(fake.requests[0]?.rawBody).toBe('{"Limit":1,"Next":9007199254740993}');
  });
});
