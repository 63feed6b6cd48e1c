// Odd replies: one classification for every ErrorCode value, list fields that are not lists (a split call must not
// drop a chunk's malformed list), and a 5xx that carries a TIM envelope keeps its ErrorCode and ErrorInfo.
import { describe, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { readEnvelope } from '../../src/envelope.js';
import { nestingDeeperThan } from '../../src/json.js';
import { clientOn, okEnvelope, rejectionOf, scriptedFetch } from './scripted-fetch.js';

describe('ErrorCode: a 32-bit integer is the verdict; any other value means the outcome is unknown', () => {
  it.each([
    ['Infinity (1e999)', '1e999', /ErrorCode is 1e999, not written as an integer/],
    ['a fraction', '0.5', /ErrorCode is 0\.5, not written as an integer/],
    ['a numeric string "0"', '"0"', /ErrorCode is the string "0"/],
    ['a numeric string "70001"', '"70001"', /ErrorCode is the string "70001"/],
    ['an integer beyond 2^53 (a bigint before)', '99999999999999999999', /ErrorCode is the string "99999999999999999999"/],
    ['an integer beyond 32 bits', '4294967296', /ErrorCode is number 4294967296/],
    ['null', 'null', /ErrorCode is null/],
    ['a boolean', 'false', /ErrorCode is boolean false/],
    ['an object', '{}', /ErrorCode is an object/],
  ])('%s → INVALID_REPLY, not retried', async (_name, raw, message) => {
    const scripted = scriptedFetch(() => `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":${raw},"ResultItem":[]}`);
    const error = await rejectionOf(clientOn(scripted, { retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.invalidReply, retryable: false, httpStatus: 200 });
    expect(error.info).toMatch(message);
    expect(error.info).toMatch(/outcome of the call is unknown/);
    expect(scripted.requests).toHaveLength(1);
  });

  it('30003.0 is not a plain integer: INVALID_REPLY, not the code it rounds to', () => {
    expect(() => readEnvelope('getFriendLists', '{"ActionStatus":"FAIL","ErrorCode":30003.0,"ErrorInfo":"x"}', 200)).toThrow(
      expect.objectContaining({ code: TransportCode.invalidReply, retryable: false }) as Error,
    );
  });

  it('a negative 32-bit code is a business error with that code', () => {
    expect(() => readEnvelope('getFriendLists', '{"ActionStatus":"FAIL","ErrorCode":-1,"ErrorInfo":"x"}', 200)).toThrow(
      expect.objectContaining({ code: -1, retryable: false }) as Error,
    );
  });

  it('an ErrorCode string that quotes a secret is scrubbed', () => {
    let caught: unknown;
    try {
      readEnvelope('getFriendLists', '{"ErrorCode":"sig-SECRET-value"}', 200, { secrets: ['SECRET'] });
    } catch (error) {
      caught = error;
    }
    expect(String((caught as Error).message)).not.toContain('SECRET');
  });
});

describe('list fields of a success reply must be lists', () => {
  it.each([
    ['InfoItem an object', '"InfoItem":{"To_Account":"bob"}', /InfoItem is an object, not a list/],
    ['InfoItem null', '"InfoItem":null', /InfoItem is null, not a list/],
    ['Fail_Account a string', '"InfoItem":[],"Fail_Account":"bob"', /Fail_Account is the string "bob", not a list/],
  ])('getSpecifiedFriends with %s → INVALID_REPLY', async (_name, fields, message) => {
    const scripted = scriptedFetch(() => okEnvelope(fields));
    const error = await rejectionOf(clientOn(scripted).getSpecifiedFriends({ From_Account: 'a', To_Account: ['bob'], TagList: ['Tag_SNS_IM_Remark'] }));
    expect(error).toMatchObject({ code: TransportCode.invalidReply });
    expect(error.info).toMatch(message);
  });

  it('a split call whose one chunk has a malformed InfoItem rejects instead of resolving with the others', async () => {
    const accounts = Array.from({ length: 250 }, (_, i) => `user${i}`);
    const scripted = scriptedFetch((exchange) => {
      const sent = JSON.parse(exchange.body) as { To_Account: string[] };
      if (sent.To_Account[0] === 'user100') return okEnvelope('"InfoItem":{"broken":true}');
      return okEnvelope(`"InfoItem":${JSON.stringify(sent.To_Account.map((To_Account) => ({ To_Account, ResultCode: 0 })))}`);
    });
    const error = await rejectionOf(clientOn(scripted).getSpecifiedFriends({ From_Account: 'a', To_Account: accounts, TagList: ['Tag_SNS_IM_Remark'] }));
    expect(error).toMatchObject({ code: TransportCode.invalidReply });
    expect(error.info).toMatch(/InfoItem is an object, not a list/);
  });

  it('absent lists are fine (a FAIL reply carries none, an empty page may omit them)', async () => {
    const scripted = scriptedFetch(() => okEnvelope(''));
    await expect(clientOn(scripted).getSpecifiedFriends({ From_Account: 'a', To_Account: ['bob'], TagList: ['Tag_SNS_IM_Remark'] })).resolves.toMatchObject({ ErrorCode: 0 });
  });
});

describe('a non-2xx reply with a TIM envelope keeps its ErrorCode', () => {
  it('503 with 70500 (documented as retryable): code 70500, its ErrorInfo, HTTP status kept, retried', async () => {
    const scripted = scriptedFetch(() => ({ status: 503, text: '{"ActionStatus":"FAIL","ErrorCode":70500,"ErrorInfo":"internal error"}' }));
    const error = await rejectionOf(clientOn(scripted, { retry: { retries: 1, baseDelayMs: 0, maxDelayMs: 0 } }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 70500, info: 'internal error', httpStatus: 503, retryable: true });
    expect(scripted.requests).toHaveLength(2);
  });

  it('500 with 30003 (documented, not retryable): not retried', async () => {
    const scripted = scriptedFetch(() => ({ status: 500, text: '{"ActionStatus":"FAIL","ErrorCode":30003,"ErrorInfo":"account not found"}' }));
    const error = await rejectionOf(clientOn(scripted, { retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 30003, info: 'account not found', httpStatus: 500, retryable: false });
    expect(scripted.requests).toHaveLength(1);
  });

  it('a code the document does not know follows the HTTP status (5xx: retryable)', async () => {
    const scripted = scriptedFetch(() => ({ status: 502, text: '{"ErrorCode":99999,"ErrorInfo":"odd"}' }));
    const error = await rejectionOf(clientOn(scripted).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 99999, httpStatus: 502, retryable: true });
  });

  it('a 5xx without an envelope stays HTTP_ERROR', async () => {
    const scripted = scriptedFetch(() => ({ status: 502, text: '<html>Bad Gateway</html>' }));
    const error = await rejectionOf(clientOn(scripted).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 502 });
  });
});

describe('nesting is counted outside strings only', () => {
  const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  it.each([
    ['brackets inside a string', `{"a":"${'['.repeat(100)}","b":${deep(3)}}`, false],
    ['an escaped quote does not end the string', `{"a":"x\\"${'['.repeat(100)}","b":1}`, false],
    ['an escaped backslash before the quote does end it', `{"a":"x\\\\","b":${deep(70)}}`, true],
    ['three backslashes: an escaped backslash, then an escaped quote', `{"a":"\\\\\\"${'{'.repeat(100)}"}`, false],
    ['an unterminated string', `{"a":"${'['.repeat(100)}`, false],
    ['65 levels outside any string', deep(65), true],
    ['64 levels', deep(64), false],
  ])('%s', (_name, text, deeper) => {
    expect(nestingDeeperThan(text, 64)).toBe(deeper);
  });
});
