// What a user tests against the fake, through the client's public API: a paginate loop over several pages that ends,
// a split call whose merged reply has each account once, a 60007 then success, an expired usersig signed again, and a
// wrong secret key failing with 70009 — with a dataset of 25,000 groups and 1,000 friends, and every reply the fake
// gives checked against the document.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChatClient, ChatApiError, type ChatClientOptions } from '../../src/index.js';
import { createFakeVendor, generateDataset, type FakeVendor, type FakeVendorOptions, type GeneratedDataset } from '../../src/testing/index.js';
import { documentCheckedFetch, type CheckedFetch } from './support.js';

let dataset: GeneratedDataset;
beforeAll(() => {
  dataset = generateDataset({ groups: 25_000, friends: 1_000, strangers: 50, conversations: 230 });
});

let checked: CheckedFetch[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const fetchChecked of checked) expect(fetchChecked.violations).toEqual([]);
  checked = [];
});

/** A fake whose replies are checked against the document, and client options pointing at it. */
function setUp(options: FakeVendorOptions = {}, client: Partial<ChatClientOptions> = {}): { fake: FakeVendor; options: ChatClientOptions } {
  const fake = createFakeVendor({ dataset, ...options });
  const fetchChecked = documentCheckedFetch(fake);
  checked.push(fetchChecked);
  return {
    fake,
    options: { ...fake.clientOptions(), fetch: fetchChecked.fetch, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...client } as ChatClientOptions,
  };
}

/**
 * A vendor clock on which each arrival comes 1.1 s after the previous one, so paging through get_appid_group_list
 * meets its 1 call/s limit without the test waiting real seconds (the client's own pacing is off for the same reason).
 */
function steppingClock(): () => number {
  let nowMs = Date.now();
  return () => (nowMs += 1100);
}

describe('a user testing with the fake vendor', () => {
  it('pages through 25,000 groups with paginate until the last page', async () => {
    const { fake, options } = setUp({ now: steppingClock() }, { rateLimit: false });
    const client = createChatClient(options);
    const ids: string[] = [];
    const cursors: string[] = [];
    for await (const page of client.paginate('getAppGroups', { Limit: 3000 })) {
      ids.push(...(page.GroupIdList ?? []).map((group) => group.GroupId));
      cursors.push(String(page.Next));
      expect(page.TotalCount).toBe(25_000);
    }
    expect(cursors).toHaveLength(9);
    expect(cursors.at(-1)).toBe('0');
    expect(new Set(cursors.slice(0, -1)).size).toBe(8);
    expect(ids).toEqual(dataset.groups.map((group) => group.id));
    expect(fake.callsOf('getAppGroups').map((call) => call.errorCode)).toEqual(Array(9).fill(0));
  });

  it('pages one group type and the conversation marks', async () => {
    const { options } = setUp({ now: steppingClock(), contactPageSize: 50 }, { rateLimit: false });
    const client = createChatClient(options);
    const community: string[] = [];
    for await (const page of client.paginate('getAppGroups', { Limit: 500, GroupType: 'Community' })) community.push(...(page.GroupIdList ?? []).map((group) => group.GroupId));
    expect(community).toEqual(dataset.groups.filter((group) => group.type === 'Community').map((group) => group.id));
    const contacts = [];
    for await (const page of client.paginate('getConversationGroupMarks', { From_Account: dataset.owner, StartIndex: 0 })) contacts.push(...(page.ContactItem ?? []));
    expect(contacts).toHaveLength(230);
  });

  it('splits 1,000 friends into calls of at most 100 and merges each account exactly once', async () => {
    const { fake, options } = setUp();
    const client = createChatClient(options);
    const accounts = [...dataset.friendIds, ...dataset.strangerIds.slice(0, 5)];
    const reply = await client.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: accounts, TagList: ['Tag_Profile_IM_Nick', 'Tag_SNS_IM_Remark'] });
    const returned = (reply.InfoItem ?? []).map((item) => item.To_Account);
    expect(returned).toEqual(accounts);
    expect(new Set(returned).size).toBe(accounts.length);
    expect(reply.Fail_Account).toEqual(dataset.strangerIds.slice(0, 5));
    expect(reply.InfoItem?.[0]?.SnsProfileItem).toContainEqual({ Tag: 'Tag_SNS_IM_Remark', Value: 'remark_1' });
    const sizes = fake.callsOf('getSpecifiedFriends').map((call) => (call.body as { To_Account: string[] }).To_Account.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(accounts.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });

  it('retries a 60007 and gets the reply', async () => {
    const { fake, options } = setUp();
    const client = createChatClient(options);
    fake.inject('getFriendLists', 60007);
    const reply = await client.getFriendLists({ From_Account: dataset.owner });
    expect(reply.ErrorCode).toBe(0);
    expect(reply.ResultItem?.map((list) => list.GroupName)).toEqual(['list_1', 'list_2', 'list_3', 'list_4']);
    expect(fake.callsOf('getFriendLists').map((call) => call.errorCode)).toEqual([60007, 0]);
  });

  it('signs a new usersig when the fake says the old one expired (70001)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.UTC(2030, 0, 1);
    vi.setSystemTime(start);
    // The vendor's clock runs ahead of the client's, as an unsynchronised server's may: a usersig the client still
    // reuses has expired there.
    let skewMs = 0;
    const { fake, options } = setUp({ now: () => Date.now() + skewMs }, { userSigLifetimeSeconds: 3600 });
    const client = createChatClient(options);
    await client.getFriendLists({ From_Account: dataset.owner });
    vi.setSystemTime(start + 1000);
    skewMs = 3600 * 1000 - 500;
    const reply = await client.getFriendLists({ From_Account: dataset.owner });
    expect(reply.ErrorCode).toBe(0);
    expect(fake.callsOf('getFriendLists').map((call) => call.errorCode)).toEqual([0, 70001, 0]);
  });

  it('fails with 70009 when the client signs with a wrong secret key, without retrying', async () => {
    const { fake, options } = setUp({}, { secretKey: 'not-the-key-of-this-app' });
    const client = createChatClient(options);
    const error = await client.getFriendLists({ From_Account: dataset.owner }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect((error as ChatApiError).code).toBe(70009);
    expect(fake.calls).toHaveLength(1);
  });
});
