// Written the way a user of the package tests their own code (README, "Testing your code"): imports from the
// package's entry points only.
import { describe, expect, it } from 'vitest';
import { createChatClient, ChatApiError, type ChatClient } from 'tim-rest-client';
import { createFakeVendor, generateDataset } from 'tim-rest-client/testing';

// The code under test: the nicknames of a user's friends, and the IDs of every group of the app.
async function friendNicknames(chat: ChatClient, user: string, friends: string[]): Promise<Map<string, string>> {
  const reply = await chat.getSpecifiedFriends({ From_Account: user, To_Account: friends, TagList: ['Tag_Profile_IM_Nick'] });
  const nicknames = new Map<string, string>();
  for (const item of reply.InfoItem ?? []) {
    const nick = item.SnsProfileItem?.find((field) => field.Tag === 'Tag_Profile_IM_Nick')?.Value;
    if (item.ResultCode === 0 && typeof nick === 'string') nicknames.set(item.To_Account, nick);
  }
  return nicknames;
}

async function allGroupIds(chat: ChatClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of chat.paginate('getAppGroups', { Limit: 1000 })) ids.push(...(page.GroupIdList ?? []).map((group) => group.GroupId));
  return ids;
}

describe('my app against the fake vendor', () => {
  // 250 friends of `user0`, 20 accounts that are nobody's friend, 5,000 groups; the same every run.
  const data = generateDataset({ friends: 250, strangers: 20, groups: 5000 });

  it('reads every friend, split into calls of 100', async () => {
    const fake = createFakeVendor({ dataset: data });
    const chat = createChatClient(fake.clientOptions());
    const nicknames = await friendNicknames(chat, 'user0', [...data.friendIds, 'stranger_1']);
    expect(nicknames.size).toBe(250);
    expect(nicknames.get('friend_7')).toBe('nick_friend_7');
    expect(fake.callsOf('getSpecifiedFriends')).toHaveLength(3);
  });

  it('walks every page of groups', async () => {
    // get_appid_group_list allows 1 call/s: switch the limit off on both sides so the test does not wait.
    const fake = createFakeVendor({ dataset: data, rateLimit: false });
    const chat = createChatClient({ ...fake.clientOptions(), rateLimit: false });
    expect(await allGroupIds(chat)).toHaveLength(5000);
    expect(fake.callsOf('getAppGroups')).toHaveLength(5);
  });

  it('gets through the vendor rate limit (60007)', async () => {
    const fake = createFakeVendor({ dataset: data });
    const chat = createChatClient({ ...fake.clientOptions(), retry: { baseDelayMs: 1, maxDelayMs: 10 } });
    fake.inject('getSpecifiedFriends', 60007, 1); // the next call answers 60007, later ones normally
    const nicknames = await friendNicknames(chat, 'user0', ['friend_1']);
    expect(nicknames.get('friend_1')).toBe('nick_friend_1');
    expect(fake.calls.map((call) => call.errorCode)).toEqual([60007, 0]);
  });

  it('reports a wrong secret key as 70009', async () => {
    const fake = createFakeVendor({ dataset: data });
    const chat = createChatClient({ ...fake.clientOptions(), secretKey: 'a key from another app' });
    const error = await friendNicknames(chat, 'user0', ['friend_1']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect((error as ChatApiError).code).toBe(70009);
  });
});
