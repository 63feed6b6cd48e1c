// Property-based checks (fast-check, fixed seed, bounded runs) of the two wire boundaries:
// - request bodies: whatever a caller passes, the check either refuses it with INVALID_REQUEST (and nothing is sent)
//   or returns a body whose JSON text, read back, passes the same check and serializes to the same text: the bytes
//   sent are bytes that were checked. Valid bodies with 64-bit values in any accepted form go out with exact digits.
// - replies: whatever the server sends, the envelope check either returns a reply whose 64-bit fields are canonical
//   decimal strings in range (with the digits the server sent) or rejects with a ChatApiError; never another error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../../generated/api-facts.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { readEnvelope } from '../../src/envelope.js';
import { parseJson, stringifyJson } from '../../src/json.js';
import { assertValidRequest, utf8Length } from '../../src/validate.js';
import { clientOn, okEnvelope, scriptedFetch } from './scripted-fetch.js';

const SEED = 20261125;
const UINT64_MAX = 2n ** 64n - 1n;
const operationIds: OperationId[] = ['getFriendLists', 'getSpecifiedFriends', 'getAppGroups', 'getConversationGroupMarks'];

class Custom {
  constructor(readonly From_Account = 'alice') {}
}

/** Values a caller might pass that are not JSON data, or JSON data the wire cannot carry exactly. */
const hostileLeaf = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.integer().map((n) => new Number(n)),
  fc.boolean().map((b) => new Boolean(b)),
  fc.string().map((s) => new String(s)),
  fc.constant(new Map([['From_Account', 'alice']])),
  fc.constant(new Custom()),
  fc.constant({ From_Account: 'alice', toJSON: () => ({}) }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 60 + 1, -(2 ** 63)),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);

const userId = fc.oneof(fc.string({ minLength: 0, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }));
const int64Any = fc.oneof(
  fc.bigInt({ min: -10n, max: UINT64_MAX + 10n }),
  fc.bigInt({ min: 0n, max: UINT64_MAX }).map(String),
  fc.integer({ min: -5, max: 2 ** 31 }),
  fc.string({ maxLength: 25 }),
  fc.double(),
  hostileLeaf,
);
const field = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** An operation with a body near its documented shape (most fields right, some wrong, some hostile), or anything. */
const candidate: fc.Arbitrary<[OperationId, unknown]> = fc.oneof(
  fc.record({ From_Account: fc.oneof(userId, userId, hostileLeaf), LastSequence: field(int64Any), NeedFriend: field(fc.constantFrom('Need_Friend_Type_Yes', 'x')) }, { requiredKeys: [] })
    .map((body): [OperationId, unknown] => ['getFriendLists', body]),
  fc.record({ Limit: field(fc.oneof(fc.integer({ min: -2, max: 10_002 }), hostileLeaf)), Next: field(int64Any), GroupType: field(fc.constantFrom('Public', 'Secret')) }, { requiredKeys: [] })
    .map((body): [OperationId, unknown] => ['getAppGroups', body]),
  fc.record({ From_Account: userId, StartIndex: fc.oneof(fc.integer({ min: -1, max: 2 ** 31 + 1 }), fc.constantFrom(2 ** 31, 2 ** 31 - 1), hostileLeaf) }, { requiredKeys: ['From_Account'] })
    .map((body): [OperationId, unknown] => ['getConversationGroupMarks', body]),
  fc.record({ From_Account: userId, To_Account: fc.array(fc.oneof(userId, userId, hostileLeaf), { maxLength: 5 }), TagList: fc.array(fc.constantFrom('Tag_SNS_IM_Remark', 'Tag_Profile_IM_Nick', 'Nick'), { maxLength: 3 }) }, { requiredKeys: ['From_Account'] })
    .map((body): [OperationId, unknown] => ['getSpecifiedFriends', body]),
  fc.tuple(
    fc.constantFrom(...operationIds),
    fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withTypedArray: true }),
  ),
);

describe('request bodies', () => {
  it('are refused with INVALID_REQUEST, or go out as bytes that pass the same check', () => {
    fc.assert(
      fc.property(candidate, ([operation, body]) => {
        let wire: Record<string, unknown>;
        try {
          wire = assertValidRequest(operation, body);
        } catch (error) {
          expect(error).toBeInstanceOf(ChatApiError);
          expect((error as ChatApiError).code).toBe(TransportCode.invalidRequest);
          expect((error as ChatApiError).info).not.toBe('');
          return;
        }
        const text = stringifyJson(wire);
        const again = assertValidRequest(operation, parseJson(text));
        expect(stringifyJson(again)).toBe(text);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('with 64-bit values in any accepted form, go out with the exact digits', () => {
    const next = fc.bigInt({ min: 0n, max: UINT64_MAX });
    const form = fc.constantFrom('string', 'bigint', 'number');
    fc.assert(
      fc.property(next, form, fc.integer({ min: 1, max: 10_000 }), (value, how, limit) => {
        const given = how === 'string' ? value.toString() : how === 'bigint' ? value : Number.isSafeInteger(Number(value)) ? Number(value) : value;
        const text = stringifyJson(assertValidRequest('getAppGroups', { Limit: limit, Next: given }));
        expect(text).toBe(`{"Limit":${limit},"Next":${value.toString()}}`);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('through the client: a refused body sends nothing, an accepted one sends exactly the checked bytes', async () => {
    await fc.assert(
      fc.asyncProperty(candidate, async ([operation, body]) => {
        const fetch = scriptedFetch(() => okEnvelope('"CompleteFlag":1,"Next":0'));
        const call = (clientOn(fetch)[operation] as (b: unknown) => Promise<unknown>)(body);
        let expected: string | undefined;
        try {
          expected = stringifyJson(assertValidRequest(operation, body));
        } catch {
          expected = undefined;
        }
        const outcome = await call.then(
          () => 'sent',
          (error: unknown) => error,
        );
        if (expected === undefined) {
          expect(outcome).toMatchObject({ code: TransportCode.invalidRequest, attempts: 0 });
          expect(fetch.requests).toHaveLength(0);
        } else {
          expect(fetch.requests.map((request) => request.body)).toEqual([expected]);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('replies', () => {
  /** JSON text for a value of a 64-bit field: digits of any size, signs, fractions, exponents, strings, other JSON. */
  const int64Token = fc.oneof(
    fc.bigInt({ min: 0n, max: UINT64_MAX }).map(String),
    fc.bigInt({ min: -(2n ** 65n), max: 2n ** 66n }).map(String),
    fc.bigInt({ min: 0n, max: UINT64_MAX }).map((n) => JSON.stringify(n.toString())),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.constantFrom('1e3', '4.0', '-0', '1E+2', '"12a"', '""', 'null', 'true', '{}', '[]', '"0x10"'),
  );
  const errorCodeToken = fc.oneof(
    fc.constant('0'),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(String),
    fc.constantFrom('0.5', '1e999', '"0"', '"70001"', '99999999999999999999', '4294967296', 'null', 'true', '{}', '[0]', '1.0'),
  );
  const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

  it('give each 64-bit field as its canonical decimal string, or reject with a ChatApiError', () => {
    fc.assert(
      fc.property(errorCodeToken, fc.option(int64Token, { nil: undefined }), extra, fc.boolean(), (code, next, fields, withList) => {
        const parts = [`"ErrorCode":${code}`, '"ActionStatus":"OK"', '"ErrorInfo":""'];
        if (next !== undefined) parts.push(`"Next":${next}`);
        if (withList) parts.push('"GroupIdList":[{"GroupId":"@a"}]');
        for (const [key, value] of Object.entries(fields)) if (!['ErrorCode', 'Next', 'GroupIdList', 'ActionStatus', 'ErrorInfo', '__proto__'].includes(key)) parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
        const text = `{${parts.join(',')}}`;
        let reply: Record<string, unknown>;
        try {
          reply = readEnvelope('getAppGroups', text, 200);
        } catch (error) {
          expect(error).toBeInstanceOf(ChatApiError);
          const { code: errorCode } = error as ChatApiError;
          expect(typeof errorCode === 'number' || errorCode === TransportCode.invalidReply).toBe(true);
          return;
        }
        expect(reply['ErrorCode']).toBe(0);
        if (next === undefined) {
          expect(reply['Next']).toBeUndefined();
          return;
        }
        const value = reply['Next'];
        expect(typeof value).toBe('string');
        expect(value).toMatch(/^(0|[1-9]\d*)$/);
        const exact = BigInt(value as string);
        expect(exact >= 0n && exact <= UINT64_MAX).toBe(true);
        // The digits are those the server sent (a JSON string of digits counts; -0 is 0).
        const sent = next.startsWith('"') ? (JSON.parse(next) as string) : next;
        expect(exact).toBe(BigInt(sent));
        expect(JSON.parse(JSON.stringify(reply))).toEqual(reply);
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  it('never fail with anything but a ChatApiError, whatever the text', () => {
    const text = fc.oneof(
      fc.json(),
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', InfoItem: value, Fail_Account: value })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...operationIds), text, (operation, body) => {
        try {
          const reply = readEnvelope(operation, body, 200);
          expect(reply['ErrorCode']).toBe(0);
        } catch (error) {
          expect(error).toBeInstanceOf(ChatApiError);
        }
      }),
      { seed: SEED, numRuns: 800 },
    );
  });
});

describe('UTF-8 byte limits', () => {
  it('count every string as TextEncoder writes it, lone surrogates included', () => {
    const encoder = new TextEncoder();
    // 'binary' units reach lone surrogates, which TextEncoder writes as U+FFFD.
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(text, (value) => {
        expect(utf8Length(value)).toBe(encoder.encode(value).length);
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('\udc00\ud800')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
  });
});
