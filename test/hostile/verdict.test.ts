// One verdict on every path: the methods, `request()`, `paginate`, a split call and `client.api` reach the same
// verdict on the same reply bytes, whichever JSON parser reads them. A reply the methods reject is a rejection through
// client.api too, never `data`; ErrorCode not written as a plain integer, a duplicated envelope key and hostile
// nesting are INVALID_REPLY (a ChatApiError, never a RangeError), and none of them is retried.
import { describe, expect, it } from 'vitest';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { clientOn, okEnvelope, rejectionOf, scriptedFetch } from './scripted-fetch.js';

const retrying = { retry: { retries: 2, baseDelayMs: 0, maxDelayMs: 0 } };

// A reply with a value beyond 2^53 goes down the lossless parser; one without it down the fast one. Each hostile reply
// is tried both ways.
const bigCursor = '"Next":18446744073709551615';
const hostile: [name: string, reply: (extra: string) => string][] = [
  ['ErrorCode 1e-400 (a fraction that rounds to 0)', (extra) => `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1e-400${extra},"GroupIdList":[]}`],
  ['ErrorCode 70000.99999999999999 (rounds to 70001)', (extra) => `{"ActionStatus":"FAIL","ErrorInfo":"x","ErrorCode":70000.99999999999999${extra},"GroupIdList":[]}`],
  ['ErrorCode 1e-400 after an item\'s ErrorCode 0', (extra) => `{"ActionStatus":"OK","ErrorInfo":"","GroupIdList":[{"ErrorCode":0}],"ErrorCode":1e-400${extra}}`],
  ['ErrorCode 0e0 (an exponent)', (extra) => `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0e0${extra},"GroupIdList":[]}`],
  ['a duplicated ErrorCode (70001, then 0)', (extra) => `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":70001,"ErrorCode":0${extra},"GroupIdList":[]}`],
  ['a duplicated ActionStatus (FAIL, then OK)', (extra) => `{"ActionStatus":"FAIL","ActionStatus":"OK","ErrorInfo":"","ErrorCode":0${extra},"GroupIdList":[]}`],
  ['nesting 100 000 deep', (extra) => `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0${extra},"GroupIdList":[],"Deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
];

describe.each([
  ['the fast parser', ''],
  ['the lossless parser', `,${bigCursor}`],
])('read by %s', (_parser, extra) => {
  it.each(hostile)('%s → INVALID_REPLY on every path, sent once', async (_name, reply) => {
    const text = reply(extra);
    const outcomes: unknown[] = [];
    const sends: number[] = [];
    const run = async (call: (client: ReturnType<typeof clientOn>) => Promise<unknown>): Promise<void> => {
      const scripted = scriptedFetch(() => text);
      outcomes.push(await rejectionOf(call(clientOn(scripted, retrying))));
      sends.push(scripted.requests.length);
    };
    await run((chat) => chat.getAppGroups({ Limit: 10 }));
    await run((chat) => chat.request('v4/group_open_http_svc/get_appid_group_list', { Limit: 10 }));
    await run(async (chat) => {
      for await (const _page of chat.paginate('getAppGroups', { Limit: 10 })) {
        // the first page is already the hostile one
      }
    });
    await run((chat) => chat.api.POST('/v4/group_open_http_svc/get_appid_group_list', { body: { Limit: 10 } }));
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(ChatApiError);
      expect(outcome).toMatchObject({ code: TransportCode.invalidReply, retryable: false, attempts: 1 });
    }
    expect(sends).toEqual([1, 1, 1, 1]);
  });
});

it('a split call whose one chunk gets a hostile reply rejects with INVALID_REPLY', async () => {
  const scripted = scriptedFetch((exchange) =>
    exchange.index === 1
      ? '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1e-400,"InfoItem":[],"Fail_Account":[]}'
      : okEnvelope('"InfoItem":[],"Fail_Account":[]'),
  );
  const chat = clientOn(scripted, { chunkConcurrency: 1 });
  const accounts = Array.from({ length: 150 }, (_, i) => `u${i}`);
  const error = await rejectionOf(chat.getSpecifiedFriends({ From_Account: 'alice', To_Account: accounts, TagList: ['Tag_SNS_IM_Remark'] }));
  expect(error).toMatchObject({ code: TransportCode.invalidReply });
});

it('client.api: a reply that is not JSON rejects with INVALID_JSON instead of resolving as data', async () => {
  const scripted = scriptedFetch(() => '{"ActionStatus":"OK","ErrorCode":0,');
  const error = await rejectionOf(clientOn(scripted).api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } }));
  expect(error).toMatchObject({ code: TransportCode.invalidJson });
});

it('client.api: a FAIL envelope is data, read losslessly like every reply', async () => {
  const scripted = scriptedFetch(() => `{"ActionStatus":"FAIL","ErrorCode":10002,"ErrorInfo":"busy",${bigCursor}}`);
  const { data, error } = await clientOn(scripted).api.POST('/v4/group_open_http_svc/get_appid_group_list', { body: { Limit: 10 } });
  expect(error).toBeUndefined();
  expect(data).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10002, Next: '18446744073709551615' });
});
