// The in-memory fake vendor, call by call: authentication and usersig verification, request validation, the four
// operations' semantics, int64 on the wire, the rate-limit window, scripted faults, latency and the call record.
import { describe, expect, it, vi } from 'vitest';
import { genUserSig } from '../../src/index.js';
import { operations } from '../../generated/api-facts.js';
import { createFakeVendor, generateDataset, FAKE_APP, type FakeDataset } from '../../src/testing/index.js';
import { stringifyWireJson } from '../../src/testing/wire-json.js';
import { post, signedQuery } from './support.js';

const dataset = generateDataset({ groups: 25, friends: 12, strangers: 3, conversations: 7, seed: 7 });
const owner = dataset.owner;
const sign = (overrides: Partial<Parameters<typeof genUserSig>[0]> = {}): Promise<string> =>
  genUserSig({ sdkAppId: FAKE_APP.sdkAppId, identifier: FAKE_APP.identifier, secretKey: FAKE_APP.secretKey, expireSeconds: 3600, ...overrides });

describe('authentication', () => {
  const fake = createFakeVendor({ dataset });
  const call = async (query: URLSearchParams): Promise<unknown> => (await post(fake.fetch, 'getFriendLists', { From_Account: owner }, query)).json['ErrorCode'];

  it('accepts a usersig signed with the app key', async () => {
    expect(await call(await signedQuery())).toBe(0);
  });

  it.each([
    ['sdkappid missing', { sdkappid: null }, 60012],
    ['another app', { sdkappid: '1400000001' }, 70020],
    ['identifier missing', { identifier: null }, 60005],
    ['random missing', { random: null }, 60004],
    ['random beyond 32 bits', { random: '4294967296' }, 60004],
    ['contenttype not json', { contenttype: 'xml' }, 60004],
    ['usersig missing', { usersig: null }, 70002],
    ['usersig not decodable', { usersig: 'eJw*not-a-sig_' }, 70003],
  ] as const)('refuses %s with %s', async (_, overrides, code) => {
    expect(await call(await signedQuery(overrides))).toBe(code);
  });

  it('verifies the signature: 70009 for another key, 70013 for another identifier, 70014 for another app', async () => {
    expect(await call(await signedQuery({ usersig: await sign({ secretKey: 'not-the-app-key' }) }))).toBe(70009);
    expect(await call(await signedQuery({ usersig: await sign({ identifier: 'someone_else' }) }))).toBe(70013);
    expect(await call(await signedQuery({ usersig: await sign({ sdkAppId: 1400000001 }) }))).toBe(70014);
  });

  it('answers 70001 once the usersig has expired on its clock', async () => {
    let nowMs = Date.UTC(2030, 0, 1);
    const clocked = createFakeVendor({ dataset, now: () => nowMs });
    const usersig = await sign({ issuedAt: nowMs / 1000, expireSeconds: 60 });
    const query = async (): Promise<URLSearchParams> => signedQuery({ usersig });
    expect((await post(clocked.fetch, 'getFriendLists', { From_Account: owner }, await query())).json['ErrorCode']).toBe(0);
    nowMs += 59_999;
    expect((await post(clocked.fetch, 'getFriendLists', { From_Account: owner }, await query())).json['ErrorCode']).toBe(0);
    nowMs += 1;
    const expired = await post(clocked.fetch, 'getFriendLists', { From_Account: owner }, await query());
    expect(expired.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70001 });
  });

  it('refuses an identifier that is not an app admin with the operation’s permission code', async () => {
    const usersig = await sign({ identifier: 'not_admin' });
    const query = await signedQuery({ identifier: 'not_admin', usersig });
    expect((await post(fake.fetch, 'getAppGroups', {}, query)).json['ErrorCode']).toBe(10007);
    const admins = createFakeVendor({ dataset, admins: ['not_admin'] });
    expect((await post(admins.fetch, 'getAppGroups', {}, await signedQuery({ identifier: 'not_admin', usersig }))).json['ErrorCode']).toBe(0);
  });

  it('records the auth parameters of each call without the usersig', async () => {
    const recorder = createFakeVendor({ dataset });
    const query = await signedQuery();
    await post(recorder.fetch, 'getFriendLists', { From_Account: owner }, query);
    const [call] = recorder.calls;
    expect(call?.auth).toEqual({ sdkappid: '1400000000', identifier: 'administrator', random: query.get('random'), contenttype: 'json' });
    expect(JSON.stringify(recorder.calls)).not.toContain(query.get('usersig'));
    expect(call).toMatchObject({ operation: 'getFriendLists', body: { From_Account: owner }, errorCode: 0, httpStatus: 200, fault: null });
  });
});

describe('requests', () => {
  const fake = createFakeVendor({ dataset, rateLimit: false });

  it('answers a body that is not JSON with 60003 and an unknown path with 60009', async () => {
    expect((await post(fake.fetch, 'getAppGroups', '{"Limit":')).json['ErrorCode']).toBe(60003);
    const query = await signedQuery();
    const reply = await fake.fetch(new Request(`http://x/v4/sns/no_such_api?${query.toString()}`, { method: 'POST', body: '{}' }));
    expect(((await reply.json()) as { ErrorCode: number }).ErrorCode).toBe(60009);
  });

  it.each([
    ['getAppGroups', { Limit: 0 }, 10004, /Limit/],
    ['getAppGroups', { GroupType: 'Village' }, 10004, /GroupType/],
    ['getAppGroups', { Next: -1 }, 10004, /Next: must be between 0 and 18446744073709551615/],
    ['getFriendLists', {}, 30001, /From_Account/],
    ['getFriendLists', { From_Account: 'é'.repeat(17) }, 30001, /From_Account: must be at most 32 bytes/],
    ['getFriendLists', { From_Account: 'user0', LastSequence: '5' }, 30001, /LastSequence: must be a JSON integer/],
    ['getAppGroups', { Next: 1.5 }, 10004, /Next/],
    ['getSpecifiedFriends', { From_Account: 'user0', To_Account: [], TagList: ['Tag_Profile_IM_Nick'] }, 30001, /To_Account/],
    ['getSpecifiedFriends', { From_Account: 'user0', To_Account: ['a'], TagList: ['Nick'] }, 30001, /TagList/],
    ['getConversationGroupMarks', { From_Account: 'user0' }, 50002, /StartIndex/],
  ] as const)('validates %s %j with the generated validators: %s naming the field', async (operation, body, code, field) => {
    const reply = await post(fake.fetch, operation, body);
    expect(reply.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    expect(reply.json['ErrorInfo']).toMatch(field);
  });

  it('answers unknown accounts with each operation’s code', async () => {
    expect((await post(fake.fetch, 'getFriendLists', { From_Account: 'nobody' })).json['ErrorCode']).toBe(30003);
    expect((await post(fake.fetch, 'getConversationGroupMarks', { From_Account: 'nobody', StartIndex: 0 })).json['ErrorCode']).toBe(50001);
  });
});

describe('getAppGroups', () => {
  const all = dataset.groups.map((group) => group.id);

  it('pages with Limit and Next until Next is 0, TotalCount unchanged', async () => {
    const fake = createFakeVendor({ dataset, rateLimit: false });
    const seen: string[] = [];
    let next: unknown = 0;
    const totals = new Set<unknown>();
    for (let page = 0; page < 10; page++) {
      const reply = (await post(fake.fetch, 'getAppGroups', { Limit: 10, Next: next })).json;
      seen.push(...(reply['GroupIdList'] as { GroupId: string }[]).map((group) => group.GroupId));
      totals.add(reply['TotalCount']);
      next = reply['Next'];
      if (next === 0) break;
    }
    expect(seen).toEqual(all);
    expect([...totals]).toEqual([25]);
    expect(next).toBe(0);
  });

  it('filters by GroupType, TotalCount counting that type only', async () => {
    const fake = createFakeVendor({ dataset, rateLimit: false });
    const reply = (await post(fake.fetch, 'getAppGroups', { GroupType: 'Private' })).json;
    const expected = dataset.groups.filter((group) => group.type === 'Private').map((group) => group.id);
    expect(expected.length).toBeGreaterThan(0);
    expect((reply['GroupIdList'] as { GroupId: string }[]).map((group) => group.GroupId)).toEqual(expected);
    expect(reply['TotalCount']).toBe(expected.length);
    expect(reply['Next']).toBe(0);
  });

  it('writes a 64-bit Next as a bare JSON number with every digit, and takes it back', async () => {
    const fake = createFakeVendor({ dataset, rateLimit: false, cursorBase: 18446744073709551000n });
    const first = await post(fake.fetch, 'getAppGroups', { Limit: 20 });
    expect(first.text).toContain('"Next":18446744073709551020');
    const second = await post(fake.fetch, 'getAppGroups', '{"Limit":20,"Next":18446744073709551020}');
    expect((second.json['GroupIdList'] as unknown[]).length).toBe(5);
    expect(second.json['Next']).toBe(0);
    // A cursor it never issued is a bad parameter.
    expect((await post(fake.fetch, 'getAppGroups', '{"Next":18446744073709551615}')).json['ErrorCode']).toBe(10004);
    expect(fake.calls[1]?.body).toEqual({ Limit: 20, Next: 18446744073709551020n });
  });
});

describe('getSpecifiedFriends', () => {
  it('answers each account in request order, with ResultCode 30001 and Fail_Account for non-friends', async () => {
    const fake = createFakeVendor({ dataset });
    const accounts = ['friend_2', 'stranger_1', 'friend_1', 'nobody'];
    const reply = (await post(fake.fetch, 'getSpecifiedFriends', { From_Account: owner, To_Account: accounts, TagList: ['Tag_Profile_IM_Nick', 'Tag_SNS_IM_Remark', 'Tag_SNS_IM_Group', 'Tag_Profile_Custom_Missing'] })).json;
    const items = reply['InfoItem'] as { To_Account: string; ResultCode: number; ResultInfo: string; SnsProfileItem?: { Tag: string; Value: unknown }[] }[];
    expect(items.map((item) => [item.To_Account, item.ResultCode])).toEqual([['friend_2', 0], ['stranger_1', 30001], ['friend_1', 0], ['nobody', 30001]]);
    expect(reply['Fail_Account']).toEqual(['stranger_1', 'nobody']);
    expect(items[1]).toEqual({ To_Account: 'stranger_1', ResultCode: 30001, ResultInfo: 'Err_SNS_FriendGetList_Friend_Not_Exist' });
    const tags = items[0]?.SnsProfileItem?.map((field) => field.Tag);
    expect(tags).toContain('Tag_Profile_IM_Nick');
    expect(tags).toContain('Tag_SNS_IM_Remark');
    expect(tags).not.toContain('Tag_Profile_Custom_Missing'); // only fields that have a value
    expect(items[0]?.SnsProfileItem?.find((field) => field.Tag === 'Tag_Profile_IM_Nick')?.Value).toBe('nick_friend_2');
  });

  it('leaves Fail_Account out when every friend was found', async () => {
    const fake = createFakeVendor({ dataset });
    const reply = (await post(fake.fetch, 'getSpecifiedFriends', { From_Account: owner, To_Account: ['friend_3'], TagList: ['Tag_SNS_IM_AddTime'] })).json;
    expect(reply).not.toHaveProperty('Fail_Account');
  });
});

describe('getFriendLists', () => {
  const small: FakeDataset = {
    friends: {
      alice: { bob: { lists: ['work'] }, carol: { lists: ['work', 'family'] }, dave: {} },
    },
    friendLists: { alice: ['family', 'empty'] },
    sequences: { alice: 9007199254740993n },
  };
  const fake = createFakeVendor({ dataset: small });

  it('lists every list with its size; NeedFriend adds the members', async () => {
    const plain = await post(fake.fetch, 'getFriendLists', { From_Account: 'alice' });
    expect(plain.json['ResultItem']).toEqual([
      { GroupName: 'family', FriendNumber: 1 },
      { GroupName: 'empty', FriendNumber: 0 },
      { GroupName: 'work', FriendNumber: 2 },
    ]);
    expect(plain.text).toContain('"CurrentSequence":9007199254740993');
    const full = (await post(fake.fetch, 'getFriendLists', { From_Account: 'alice', NeedFriend: 'Need_Friend_Type_Yes' })).json;
    expect((full['ResultItem'] as { To_Account: string[] }[])[2]?.To_Account).toEqual(['bob', 'carol']);
  });

  it('filters by GroupName', async () => {
    const reply = (await post(fake.fetch, 'getFriendLists', { From_Account: 'alice', GroupName: ['work', 'unknown'], NeedFriend: 'Need_Friend_Type_Yes' })).json;
    expect(reply['ResultItem']).toEqual([{ GroupName: 'work', FriendNumber: 2, To_Account: ['bob', 'carol'] }]);
  });
});

describe('getConversationGroupMarks', () => {
  it('pages with StartIndex/NextStartIndex until CompleteFlag is 1, groups on the first page', async () => {
    const fake = createFakeVendor({ dataset, contactPageSize: 3 });
    const pages = [];
    let start = 0;
    for (let i = 0; i < 5; i++) {
      const page = (await post(fake.fetch, 'getConversationGroupMarks', { From_Account: owner, StartIndex: start })).json;
      pages.push(page);
      if (page['CompleteFlag'] === 1) break;
      start = page['NextStartIndex'] as number;
    }
    expect(pages.map((page) => [page['CompleteFlag'], page['NextStartIndex'], (page['ContactItem'] as unknown[]).length])).toEqual([[0, 3, 3], [0, 6, 3], [1, 0, 1]]);
    expect(pages.flatMap((page) => page['ContactItem'] as unknown[])).toEqual(dataset.conversations?.[owner]?.contacts);
    expect(pages[0]?.['GroupItem']).toHaveLength(3);
    expect(pages[1]).not.toHaveProperty('GroupItem');
  });
});

describe('rate limit', () => {
  it('admits the documented calls per second over a sliding window and refuses the rest with 60007', async () => {
    let nowMs = 5_000_000;
    const fake = createFakeVendor({ dataset, now: () => nowMs, rateLimit: { getFriendLists: 2 } });
    const code = async (): Promise<unknown> => (await post(fake.fetch, 'getFriendLists', { From_Account: owner })).json['ErrorCode'];
    expect([await code(), await code(), await code()]).toEqual([0, 0, 60007]);
    nowMs += 999; // still inside the first second
    expect(await code()).toBe(60007);
    nowMs += 1; // the first two arrivals leave the window
    expect([await code(), await code(), await code()]).toEqual([0, 0, 60007]);
    expect(fake.stats()).toMatchObject({ accepted: 4, rateLimited: 3 });
  });

  it('takes its default from the document, and can be switched off', async () => {
    const fake = createFakeVendor({ dataset, now: () => 0 });
    const codes = [];
    for (let i = 0; i < 201; i++) codes.push((await post(fake.fetch, 'getSpecifiedFriends', { From_Account: owner, To_Account: ['friend_1'], TagList: ['Tag_Profile_IM_Nick'] })).json['ErrorCode']);
    expect(codes.filter((code) => code === 0)).toHaveLength(200); // x-rate-limit: 200 calls/s
    expect(codes[200]).toBe(60007);
    const unlimited = createFakeVendor({ dataset, now: () => 0, rateLimit: false });
    for (let i = 0; i < 250; i++) expect((await post(unlimited.fetch, 'getFriendLists', { From_Account: owner })).json['ErrorCode']).toBe(0);
  });
});

describe('scripted faults', () => {
  it('answers the next N calls of an operation with a code, then normally', async () => {
    const fake = createFakeVendor({ dataset });
    fake.inject('getFriendLists', 60007, 2);
    fake.inject('getAppGroups', { code: 10002, info: 'internal' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await post(fake.fetch, 'getFriendLists', { From_Account: owner })).json['ErrorCode']);
    expect(codes).toEqual([60007, 60007, 0]);
    expect((await post(fake.fetch, 'getAppGroups', {})).json).toMatchObject({ ErrorCode: 10002, ErrorInfo: 'internal' });
    expect(fake.pendingFaults).toBe(0);
  });

  it('refuses a fault it cannot play, naming the rule', () => {
    const fake = createFakeVendor({ dataset });
    expect(() => fake.inject('getAppGroups', { httpStatus: 99 })).toThrow(/fault\.httpStatus must be an integer from 200 to 599 \(got 99\)/);
    // A header value Node would refuse at the next call: refused now, naming the field.
    expect(() => fake.inject('getAppGroups', { httpStatus: 502, contentType: 'text/html\r\nX-Injected: 1' })).toThrow(/fault\.contentType must be a header value.*CR, LF/);
    expect(() => fake.inject('getAppGroups', { httpStatus: 502, contentType: 'text/html; charset=中文' })).toThrow(/fault\.contentType must be a header value: printable Latin-1/);
    expect(() => fake.inject('getAppGroups', { code: '60007' } as never)).toThrow(/fault\.code must be an integer ErrorCode/);
    expect(() => fake.inject('getAppGroups', { delayMs: -1 })).toThrow(/fault\.delayMs must be a finite number ≥ 0 \(got -1\)/);
    expect(() => fake.inject('toString' as never, 60007)).toThrow(/operation must be/);
    expect(() => fake.inject('getAppGroups', {} as never)).toThrow(/inject: fault must be/);
    expect(() => fake.inject('getAppGroups', 60007, 0)).toThrow(/times must be a positive integer/);
    expect(() => fake.inject('noSuchOperation' as never, 60007)).toThrow(/operation must be '\*' or an operation of the document.*noSuchOperation/);
    expect(fake.pendingFaults).toBe(0);
  });

  it('sends an HTTP 5xx page, drops the connection, or hangs until the caller aborts', async () => {
    const fake = createFakeVendor({ dataset });
    fake.inject('*', { httpStatus: 503 });
    const page = await post(fake.fetch, 'getFriendLists', { From_Account: owner });
    expect(page.status).toBe(503);
    expect(page.text).toMatch(/<html>/);
    fake.inject('*', { reset: true });
    await expect(post(fake.fetch, 'getFriendLists', { From_Account: owner })).rejects.toThrow(TypeError);
    fake.inject('*', { hang: true });
    const controller = new AbortController();
    const query = await signedQuery();
    // Held until the abort has arrived: undici links a Request's signal to the caller's through a weak reference, so a
    // Request nothing holds may be collected with its signal, and the caller's abort would never reach the fake.
    const request = new Request(`http://x/v4/sns/group_get?${query.toString()}`, { method: 'POST', body: '{"From_Account":"user0"}', signal: controller.signal });
    const hung = fake.fetch(request);
    await expect.poll(() => fake.stats().hangs).toBe(1);
    controller.abort(new Error('caller gave up'));
    await expect(hung).rejects.toThrow('caller gave up');
    expect(request.signal.aborted).toBe(true);
    expect(fake.calls.map((call) => call.fault ?? call.httpStatus)).toEqual([503, 'reset', 'hang']);
  });
});

describe('latency', () => {
  it('delays each reply by at least the round trip plus jitter', async () => {
    const fake = createFakeVendor({ dataset, latency: { rttMs: 30, jitterMs: 10 }, random: () => 1 });
    const started = performance.now();
    await post(fake.fetch, 'getFriendLists', { From_Account: owner });
    // Only a lower bound: a loaded machine can make it slower, never faster.
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });
});

describe('in-flight counters and fake timers', () => {
  it('counts requests handed to the fake and not yet answered; latency and arrival times follow fake timers', async () => {
    const query = await signedQuery();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    try {
      const fake = createFakeVendor({ dataset, now: () => Date.now(), rateLimit: false, latency: { rttMs: 100 } });
      const t0 = Date.now();
      const request = { method: 'POST', path: operations.getFriendLists.path, query, body: JSON.stringify({ From_Account: owner }) };
      const replies = [fake.handle(request), fake.handle(request), fake.handle(request)];
      expect(fake.stats()).toMatchObject({ inFlight: 3, peakInFlight: 3, requests: 0 });
      await vi.advanceTimersByTimeAsync(49);
      expect(fake.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(fake.calls.map((call) => call.at - t0)).toEqual([50, 50, 50]);
      let answered = 0;
      for (const reply of replies) void reply.then(() => (answered += 1));
      // The usersig check is real asynchronous work (WebCrypto); give it turns until the replies' delay is done.
      while (answered < 3) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(1);
      }
      expect((await Promise.all(replies)).map((outcome) => outcome.kind === 'reply' && JSON.parse(outcome.body).ErrorCode)).toEqual([0, 0, 0]);
      expect(fake.stats()).toMatchObject({ inFlight: 0, peakInFlight: 3, accepted: 3 });
      let moreAnswered = false;
      void fake.handle(request).then(() => (moreAnswered = true));
      fake.reset();
      expect(fake.stats()).toMatchObject({ inFlight: 1, peakInFlight: 1 });
      while (!moreAnswered) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(10);
      }
      expect(fake.stats()).toMatchObject({ inFlight: 0, peakInFlight: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the fake writes 64-bit values as the vendor does', () => {
  it('bigints become bare JSON numbers with every digit; strings stay strings, whatever they hold', () => {
    const text = stringifyWireJson({ Next: 2n ** 64n - 1n, List: [{ Seq: -5n }, 'bigint-1:2', '\u0000bigint-x:3'], Plain: 7 });
    expect(text).toBe('{"Next":18446744073709551615,"List":[{"Seq":-5},"bigint-1:2","\\u0000bigint-x:3"],"Plain":7}');
    expect(stringifyWireJson({ Page: ['a'] })).toBe('{"Page":["a"]}');
  });
});
