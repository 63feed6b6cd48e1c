// A body is checked as the bytes that will be sent: values whose JSON differs from what a validator sees (Date, boxed
// primitives, Map, toJSON, prototypes), cycles, very deep nesting, int32 ranges and the vendor's 32-byte UserID limit
// are refused with INVALID_REQUEST naming the field, and nothing is sent.
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/api-facts.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { assertJsonBody, assertValidRequest, MAX_DEPTH } from '../../src/validate.js';
import { clientOn, okEnvelope, rejectionOf, scriptedFetch } from './scripted-fetch.js';

class Account {
  constructor(readonly From_Account: string) {}
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const cyclic: Record<string, unknown> = { From_Account: 'alice' };
cyclic['GroupName'] = [cyclic];

const inherited = Object.create({ From_Account: 'alice' }) as Record<string, unknown>;

interface Case {
  name: string;
  operation: OperationId;
  body: unknown;
  message: RegExp;
}

const refused: Case[] = [
  { name: 'a Date as From_Account', operation: 'getFriendLists', body: { From_Account: new Date(0) }, message: /From_Account is a Date, not a plain object/ },
  { name: 'a boxed string as From_Account', operation: 'getFriendLists', body: { From_Account: new String('alice') }, message: /From_Account is a String/ },
  { name: 'a boxed number as Limit', operation: 'getAppGroups', body: { Limit: new Number(5) }, message: /Limit is a Number/ },
  { name: 'a boxed boolean', operation: 'getAppGroups', body: { Limit: 5, Extra: new Boolean(true) }, message: /Extra is a Boolean/ },
  { name: 'a Map as the body', operation: 'getFriendLists', body: new Map([['From_Account', 'alice']]), message: /body is a Map/ },
  { name: 'an object with toJSON', operation: 'getFriendLists', body: { From_Account: 'alice', toJSON: () => ({ From_Account: 'mallory' }) }, message: /body has a toJSON method/ },
  { name: 'a class instance', operation: 'getFriendLists', body: new Account('alice'), message: /body is a Account/ },
  { name: 'fields on the prototype', operation: 'getFriendLists', body: inherited, message: /body is an? .*not a plain object/ },
  { name: 'a cyclic body', operation: 'getFriendLists', body: cyclic, message: /GroupName\.0 refers back to an enclosing value/ },
  { name: 'nesting 3,000 deep', operation: 'getFriendLists', body: { From_Account: 'alice', GroupName: deeplyNested(3000) }, message: new RegExp(`nested deeper than ${MAX_DEPTH} levels`) },
  { name: 'NaN', operation: 'getAppGroups', body: { Limit: Number.NaN }, message: /Limit is NaN, which JSON cannot carry/ },
  { name: 'Infinity', operation: 'getAppGroups', body: { Limit: Number.POSITIVE_INFINITY }, message: /Limit is Infinity/ },
  { name: 'a function', operation: 'getFriendLists', body: { From_Account: 'alice', NeedFriend: () => 'x' }, message: /NeedFriend is a function/ },
  { name: 'undefined in an array', operation: 'getSpecifiedFriends', body: { From_Account: 'a', To_Account: ['b', undefined], TagList: ['Tag_SNS_IM_Remark'] }, message: /To_Account\.1 is undefined/ },
  { name: 'StartIndex 2^31', operation: 'getConversationGroupMarks', body: { From_Account: 'alice', StartIndex: 2 ** 31 }, message: /StartIndex must be <= 2147483647/ },
  { name: 'StartIndex above 2^53', operation: 'getConversationGroupMarks', body: { From_Account: 'alice', StartIndex: 2 ** 60 }, message: /StartIndex is 1152921504606846976, beyond 2\^53/ },
  { name: 'a 33-byte ASCII From_Account', operation: 'getFriendLists', body: { From_Account: 'a'.repeat(33) }, message: /From_Account must NOT have more than 32 characters/ },
  { name: 'an 11-character CJK From_Account (33 bytes)', operation: 'getFriendLists', body: { From_Account: '用'.repeat(11) }, message: /From_Account must be at most 32 bytes in UTF-8, is 33/ },
  { name: 'a 33-byte To_Account entry', operation: 'getSpecifiedFriends', body: { From_Account: 'a', To_Account: ['bob', 'é'.repeat(17)], TagList: ['Tag_SNS_IM_Remark'] }, message: /To_Account\.1 must be at most 32 bytes in UTF-8, is 34/ },
  { name: 'a 33-byte From_Account of a paged call', operation: 'getConversationGroupMarks', body: { From_Account: '😀'.repeat(9), StartIndex: 0 }, message: /From_Account must be at most 32 bytes in UTF-8, is 36/ },
];

describe('refused before sending, as INVALID_REQUEST naming the field', () => {
  it.each(refused)('$operation: $name', async ({ operation, body, message }) => {
    const scripted = scriptedFetch(() => okEnvelope(''));
    const client = clientOn(scripted);
    const error = await rejectionOf((client[operation] as (b: unknown) => Promise<unknown>)(body));
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, operation, attempts: 0, retryable: false });
    expect(error.message).toContain('nothing was sent');
    expect(error.info).toMatch(message);
    expect(scripted.requests).toHaveLength(0);
  });
});

describe('accepted at the edges', () => {
  it.each([
    ['StartIndex 2^31 − 1', 'getConversationGroupMarks', { From_Account: 'alice', StartIndex: 2 ** 31 - 1 }],
    ['a 32-byte ASCII UserID', 'getFriendLists', { From_Account: 'a'.repeat(32) }],
    ['a 10-character CJK UserID (30 bytes)', 'getFriendLists', { From_Account: '用'.repeat(10) }],
    ['an object without a prototype', 'getFriendLists', Object.assign(Object.create(null) as object, { From_Account: 'alice' })],
    ['an absent optional field written as undefined', 'getAppGroups', { Limit: 1, Next: undefined }],
  ] as const)('%s', async (_name, operation, body) => {
    const scripted = scriptedFetch(() => okEnvelope(''));
    await (clientOn(scripted)[operation] as (b: unknown) => Promise<unknown>)(body);
    expect(scripted.requests).toHaveLength(1);
  });
});

describe('the bytes sent are the bytes checked', () => {
  it('a getter is read once: the checked value is the one sent', async () => {
    let reads = 0;
    const body = {
      get From_Account() {
        reads += 1;
        return reads === 1 ? 'alice' : '';
      },
    };
    const scripted = scriptedFetch(() => okEnvelope('"ResultItem":[]'));
    await clientOn(scripted).getFriendLists(body);
    expect(scripted.requests[0]?.body).toBe('{"From_Account":"alice"}');
  });

  it('changing the body after the call started changes nothing on the wire, retries included', async () => {
    const scripted = scriptedFetch((exchange) => (exchange.index === 0 ? { status: 502, text: 'bad gateway' } : okEnvelope('"ResultItem":[]')));
    const body = { From_Account: 'alice' };
    const call = clientOn(scripted, { retry: { retries: 1, baseDelayMs: 0, maxDelayMs: 0 } }).getFriendLists(body);
    body.From_Account = 'mallory';
    await call;
    expect(scripted.requests.map((request) => request.body)).toEqual(['{"From_Account":"alice"}', '{"From_Account":"alice"}']);
  });

  it('an own __proto__ key stays data', () => {
    const body = JSON.parse('{"From_Account":"alice","__proto__":{"x":1}}') as unknown;
    const wire = assertJsonBody('request', body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(wire)).toBe(Object.prototype);
    expect(JSON.stringify(wire)).toBe('{"From_Account":"alice","__proto__":{"x":1}}');
  });

  it('assertValidRequest returns a copy with the int64 fields as bigint', () => {
    const body = { Limit: 5, Next: '9007199254740993' };
    const wire = assertValidRequest('getAppGroups', body);
    expect(wire).toEqual({ Limit: 5, Next: 9007199254740993n });
    expect(wire).not.toBe(body);
    expect(body.Next).toBe('9007199254740993');
  });

  it('a path outside the document gets the JSON-value rules too', () => {
    expect(() => assertJsonBody('v4/some/other', { when: new Date(0) })).toThrow(/when is a Date/);
    expect(() => assertJsonBody('v4/some/other', { id: 2 ** 60 })).toThrow(/id is 1152921504606846976, beyond/);
    expect(assertJsonBody('v4/some/other', { id: 2n ** 60n, list: [1, 'a', null, true] })).toEqual({ id: 2n ** 60n, list: [1, 'a', null, true] });
  });
});
