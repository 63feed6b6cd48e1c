// 64-bit integers (Next, CurrentSequence, LastSequence): replies give them as decimal strings whatever their size;
// requests take a decimal string, a bigint or a safe-integer number and write every digit as a bare JSON number; a
// value that cannot be sent exactly is INVALID_REQUEST naming the field, with nothing sent.
import { describe, expect, it } from 'vitest';
import { wireFields } from '../../generated/wire-fields.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { clientOn, okEnvelope, rejectionOf, scriptedFetch } from './scripted-fetch.js';

const UINT64_MAX = '18446744073709551615';

describe('the document decides which fields are 64-bit, not the size of a value', () => {
  it('lists the cursors and sequences with their exact unsigned 64-bit range', () => {
    expect(wireFields.getAppGroups.requestInt64).toEqual([{ path: ['Next'], minimum: '0', maximum: UINT64_MAX }]);
    expect(wireFields.getAppGroups.replyInt64).toEqual([{ path: ['Next'], minimum: '0', maximum: UINT64_MAX }]);
    expect(wireFields.getFriendLists.requestInt64.map((f) => f.path)).toEqual([['LastSequence']]);
    expect(wireFields.getFriendLists.replyInt64.map((f) => f.path)).toEqual([['CurrentSequence']]);
    // Bounded 64-bit fields (TotalCount, Timestamp ≤ 2^53 − 1) stay numbers.
    expect(JSON.stringify(wireFields)).not.toMatch(/TotalCount|Timestamp/);
  });
});

describe('replies: every int64 field is a decimal string', () => {
  it.each([
    ['0', '0'],
    ['1001', '1001'],
    ['4454685361', '4454685361'],
    ['9007199254740993', '9007199254740993'],
    [UINT64_MAX, UINT64_MAX],
    ['"4454685361"', '4454685361'],
  ])('Next %s arrives as %j', async (raw, expected) => {
    const scripted = scriptedFetch(() => okEnvelope(`"TotalCount":1,"GroupIdList":[],"Next":${raw}`));
    const reply = await clientOn(scripted).getAppGroups({ Limit: 1 });
    expect(reply.Next).toBe(expected);
    expect(typeof reply.TotalCount).toBe('number');
    // Same type for every value, so a reply can be logged and compared without special cases.
    expect(JSON.parse(JSON.stringify(reply)).Next).toBe(expected);
  });

  it('CurrentSequence too, small or large', async () => {
    const scripted = scriptedFetch((exchange) => okEnvelope(`"ResultItem":[],"CurrentSequence":${exchange.index === 0 ? '7' : '12345678901234567890'}`));
    const client = clientOn(scripted);
    expect((await client.getFriendLists({ From_Account: 'alice' })).CurrentSequence).toBe('7');
    expect((await client.getFriendLists({ From_Account: 'alice' })).CurrentSequence).toBe('12345678901234567890');
  });

  it.each([
    ['"abc"', /Next is "abc": not an integer/],
    ['null', /Next is null/],
    ['-1', /Next is -1: below its minimum 0/],
    ['1.5', /Next is 1\.5: a number not in plain integer form/],
    ['4.0', /Next is 4\.0: a number not in plain integer form/],
    ['1e3', /Next is 1e3: a number not in plain integer form/],
    ['4.4546853e9', /Next is 4\.4546853e9/],
    ['{}', /Next is an object/],
    ['[1]', /Next is an array/],
    ['true', /Next is true/],
    ['18446744073709551616', /above its maximum 18446744073709551615/],
    ['"-5"', /below its minimum 0/],
  ])('a success reply whose Next is %s is INVALID_REPLY naming Next', async (raw, message) => {
    const scripted = scriptedFetch(() => okEnvelope(`"GroupIdList":[],"Next":${raw}`));
    const error = await rejectionOf(clientOn(scripted).getAppGroups({ Limit: 1 }));
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: TransportCode.invalidReply, operation: 'getAppGroups', retryable: false });
    expect(error.info).toMatch(message);
  });

  it('a FAIL envelope is reported by its ErrorCode even if other fields are odd', async () => {
    const scripted = scriptedFetch(() => '{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"bad","Next":"x"}');
    const error = await rejectionOf(clientOn(scripted).getAppGroups({ Limit: 1 }));
    expect(error).toMatchObject({ code: 10004 });
  });

  it('an integer beyond 2^53 − 1 in a field the document does not declare 64-bit is its decimal string, never rounded', async () => {
    const scripted = scriptedFetch(() => okEnvelope('"ResultItem":[],"Unknown":12345678901234567891,"Small":5,"Ratio":0.25'));
    const reply = (await clientOn(scripted).getFriendLists({ From_Account: 'alice' })) as Record<string, unknown>;
    expect(reply).toMatchObject({ Unknown: '12345678901234567891', Small: 5, Ratio: 0.25 });
  });
});

describe('requests: a decimal string, a bigint or a safe number, written as a bare JSON number', () => {
  it.each([
    ['a decimal string', '4454685361', '4454685361'],
    ['a bigint', 4454685361n, '4454685361'],
    ['a safe number', 4454685361, '4454685361'],
    ['the largest unsigned 64-bit value as a string', UINT64_MAX, UINT64_MAX],
    ['the largest unsigned 64-bit value as a bigint', 18446744073709551615n, UINT64_MAX],
    ['0 as a string', '0', '0'],
  ])('Next as %s', async (_name, next, digits) => {
    const scripted = scriptedFetch(() => okEnvelope('"GroupIdList":[],"Next":0'));
    await clientOn(scripted).getAppGroups({ Limit: 1, Next: next });
    expect(scripted.requests[0]?.body).toBe(`{"Limit":1,"Next":${digits}}`);
  });

  it('a cursor from a reply is sent back with the same digits', async () => {
    const scripted = scriptedFetch((exchange) => okEnvelope(`"GroupIdList":[],"Next":${exchange.index === 0 ? '9007199254740993' : '0'}`));
    const client = clientOn(scripted);
    const first = await client.getAppGroups({ Limit: 1 });
    await client.getAppGroups({ Limit: 1, Next: first.Next });
    expect(scripted.requests[1]?.body).toBe('{"Limit":1,"Next":9007199254740993}');
  });

  it.each([
    ['an unsafe number (2^60 + 1 has already become 2^60)', 2 ** 60 + 1, /Next is 1152921504606846976, beyond 2\^53 − 1/],
    ['a negative string', '-1', /Next must be >= 0/],
    ['a bigint above the unsigned 64-bit range', 18446744073709551616n, /Next must be <= 18446744073709551615/],
    ['a string above the range', '18446744073709551616', /Next must be <= 18446744073709551615/],
    ['a non-numeric string', 'abc', /Next must be a decimal string, a bigint or a safe-integer number/],
    ['exponent text', '1e3', /Next must be a decimal string/],
    ['a fraction', 1.5, /Next must be integer/],
    ['null', null, /Next must be a decimal string/],
  ])('Next as %s is refused, nothing sent', async (_name, next, message) => {
    const scripted = scriptedFetch(() => okEnvelope(''));
    const error = await rejectionOf(clientOn(scripted).getAppGroups({ Limit: 1, Next: next as string }));
    expect(error).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
    expect(error.info).toMatch(message);
    expect(scripted.requests).toHaveLength(0);
  });

  it('LastSequence follows the same rules', async () => {
    const scripted = scriptedFetch(() => okEnvelope('"ResultItem":[],"CurrentSequence":1'));
    const client = clientOn(scripted);
    await client.getFriendLists({ From_Account: 'alice', LastSequence: '12345678901234567890' });
    expect(scripted.requests[0]?.body).toBe('{"From_Account":"alice","LastSequence":12345678901234567890}');
    const error = await rejectionOf(client.getFriendLists({ From_Account: 'alice', LastSequence: 2 ** 53 }));
    expect(error.info).toMatch(/LastSequence is 9007199254740992, beyond/);
    expect(scripted.requests).toHaveLength(1);
  });
});
