// Client behaviours the hand-made fake upstream of test/client checks with scripted replies, checked here against
// the fake vendor instead: the replies come from a dataset and the vendor's rules (paging cursors, per-friend
// results, signature checks), not from handlers written per test, and every reply is checked against the document.
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient, ChatApiError, TransportCode, type ChatClientOptions } from '../../src/index.js';
import { createFakeVendor, generateDataset, type FakeVendor, type FakeVendorOptions } from '../../src/testing/index.js';
import { documentCheckedFetch, type CheckedFetch } from './support.js';

const dataset = generateDataset({ friends: 300, strangers: 10, groups: 7 });
let checked: CheckedFetch[] = [];
afterEach(() => {
  for (const fetchChecked of checked) expect(fetchChecked.violations).toEqual([]);
  checked = [];
});

function setUp(options: FakeVendorOptions = {}, client: Partial<ChatClientOptions> = {}): { fake: FakeVendor; chat: ReturnType<typeof createChatClient> } {
  const fake = createFakeVendor({ dataset, rateLimit: false, ...options });
  const fetchChecked = documentCheckedFetch(fake);
  checked.push(fetchChecked);
  const chat = createChatClient({ ...fake.clientOptions(), fetch: fetchChecked.fetch, rateLimit: false, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...client } as ChatClientOptions);
  return { fake, chat };
}

const accountsOf = (body: unknown): string[] => (body as { To_Account: string[] }).To_Account;

describe('splitting and merging (test/client/chunking.test.ts)', () => {
  it('250 accounts → requests of 100/100/50; InfoItem in input order; Fail_Account merged', async () => {
    const { fake, chat } = setUp();
    const accounts = [...dataset.friendIds.slice(0, 120), 'stranger_1', ...dataset.friendIds.slice(120, 248), 'stranger_2'];
    const reply = await chat.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: accounts, TagList: ['Tag_SNS_IM_Remark'] });
    const sent = fake.callsOf('getSpecifiedFriends').map((call) => accountsOf(call.body)).sort((a, b) => accounts.indexOf(a[0] ?? '') - accounts.indexOf(b[0] ?? ''));
    expect(sent.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(sent.flat()).toEqual(accounts);
    expect(reply.InfoItem?.map((item) => item.To_Account)).toEqual(accounts);
    expect(reply.Fail_Account).toEqual(['stranger_1', 'stranger_2']);
  });

  it('exactly 100 accounts is one request', async () => {
    const { fake, chat } = setUp();
    await chat.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: dataset.friendIds.slice(0, 100), TagList: ['Tag_Profile_IM_Nick'] });
    expect(fake.calls).toHaveLength(1);
  });

  it('a FAIL envelope on one chunk rejects the call, naming the chunk and its accounts', async () => {
    const { fake, chat } = setUp({}, { chunkConcurrency: 1 });
    fake.inject('getSpecifiedFriends', 30004); // the first chunk to arrive
    const error = await chat.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: dataset.friendIds.slice(0, 250), TagList: ['Tag_Profile_IM_Nick'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect((error as ChatApiError).code).toBe(30004);
    expect((error as ChatApiError).chunk?.count).toBe(3);
    expect((error as ChatApiError).chunk?.items).toEqual(accountsOf(fake.calls[0]?.body));
  });
});

describe('paging (test/client/pagination.test.ts)', () => {
  it('walks the pages, each request carrying the previous reply’s cursor, and stops at Next 0', async () => {
    const { fake, chat } = setUp();
    const pages = [];
    for await (const page of chat.paginate('getAppGroups', { Limit: 3 })) pages.push(page);
    expect(pages.map((page) => page.GroupIdList?.length)).toEqual([3, 3, 1]);
    const sent = fake.callsOf('getAppGroups').map((call) => String((call.body as { Next: unknown }).Next));
    expect(sent).toEqual(['0', ...pages.slice(0, -1).map((page) => String(page.Next))]);
    expect(String(pages.at(-1)?.Next)).toBe('0');
  });

  it('starts from the cursor the caller gave', async () => {
    const { fake, chat } = setUp();
    const first = await chat.getAppGroups({ Limit: 3 });
    const rest = [];
    for await (const page of chat.paginate('getAppGroups', { Limit: 3, Next: first.Next })) rest.push(page);
    expect(rest.flatMap((page) => page.GroupIdList ?? []).map((group) => group.GroupId)).toEqual(dataset.groups.slice(3).map((group) => group.id));
    expect(fake.calls).toHaveLength(3);
  });
});

describe('retries (test/client/retry.test.ts, errors.test.ts)', () => {
  it('HTTP 500, then OK → resolves with the second reply', async () => {
    const { fake, chat } = setUp();
    fake.inject('getFriendLists', { httpStatus: 500 });
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).resolves.toMatchObject({ ErrorCode: 0 });
    expect(fake.calls.map((call) => call.httpStatus)).toEqual([500, 200]);
  });

  it('connection reset, then OK → resolves; a new random on each attempt', async () => {
    const { fake, chat } = setUp();
    fake.inject('getFriendLists', { reset: true });
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).resolves.toMatchObject({ ErrorCode: 0 });
    expect(fake.calls.map((call) => call.fault)).toEqual(['reset', null]);
    expect(fake.calls[0]?.auth.random).not.toBe(fake.calls[1]?.auth.random);
  });

  it('no reply → TIMEOUT after each attempt’s time limit, retried, then fails', async () => {
    const { fake, chat } = setUp({}, { timeoutMs: 50, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    fake.inject('getFriendLists', { hang: true }, 2);
    const error = await chat.getFriendLists({ From_Account: dataset.owner }).catch((caught: unknown) => caught);
    expect((error as ChatApiError).code).toBe(TransportCode.timeout);
    expect(fake.calls.map((call) => call.fault)).toEqual(['hang', 'hang']);
  });

  it('a garbled 200 reply → INVALID_JSON, retried, then the real reply', async () => {
    const { fake, chat } = setUp();
    fake.inject('getFriendLists', { httpStatus: 200, body: '{"ActionStatus":"OK","ErrorCode":0,"Result', contentType: 'application/json' });
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).resolves.toMatchObject({ ErrorCode: 0 });
    expect(fake.calls).toHaveLength(2);
  });

  it('a garbled 200 reply every time → INVALID_JSON', async () => {
    const { fake, chat } = setUp({}, { retry: false });
    fake.inject('getFriendLists', { httpStatus: 200, body: '<html>', contentType: 'text/html' });
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).rejects.toMatchObject({ code: TransportCode.invalidJson });
  });

  it('a non-retryable code stops at once', async () => {
    const { fake, chat } = setUp();
    fake.inject('getFriendLists', 30004);
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).rejects.toMatchObject({ code: 30004 });
    expect(fake.calls).toHaveLength(1);
  });

  it('70001 → signed again and re-sent, and the fake verifies the new usersig', async () => {
    const { fake, chat } = setUp();
    fake.inject('getFriendLists', 70001);
    await expect(chat.getFriendLists({ From_Account: dataset.owner })).resolves.toMatchObject({ ErrorCode: 0 });
    expect(fake.calls.map((call) => call.errorCode)).toEqual([70001, 0]);
  });
});

describe('the wire (test/client/wire.test.ts)', () => {
  it('each operation goes to its path with the five auth parameters, the usersig verified by the fake', async () => {
    const { fake, chat } = setUp();
    await chat.getFriendLists({ From_Account: dataset.owner });
    await chat.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: ['friend_1'], TagList: ['Tag_Profile_IM_Nick'] });
    await chat.getAppGroups({ Limit: 1 });
    await chat.getConversationGroupMarks({ From_Account: dataset.owner, StartIndex: 0 });
    expect(fake.calls.map((call) => [call.operation, call.errorCode])).toEqual([
      ['getFriendLists', 0], ['getSpecifiedFriends', 0], ['getAppGroups', 0], ['getConversationGroupMarks', 0],
    ]);
    for (const call of fake.calls) expect(call.auth).toMatchObject({ sdkappid: '1400000000', identifier: 'administrator', contenttype: 'json' });
    expect(new Set(fake.calls.map((call) => call.auth.random)).size).toBe(4);
  });
});
