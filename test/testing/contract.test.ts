// The fake's replies obey the document: every reply across generated datasets validates against the bundled
// schemas and carries only codes the document lists for its operation; and the fake accepts and refuses the same
// request bodies as Prism serving the document.
import { describe, expect, it } from 'vitest';
import { operations, type OperationId } from '../../generated/api-facts.js';
import { createFakeVendor, generateDataset, vendorCodes, type GroupType } from '../../src/testing/index.js';
import { listOperations } from '../support/spec-document.js';
import { postToPrism } from '../support/spec-prism.js';
import { documentCheckedFetch, post, signedQuery } from './support.js';

const GROUP_TYPES: GroupType[] = ['Public', 'Private', 'ChatRoom', 'AVChatRoom', 'BChatRoom', 'Community'];
const TAGS = ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image', 'Tag_Profile_IM_Level', 'Tag_SNS_IM_Group', 'Tag_SNS_IM_Remark', 'Tag_SNS_IM_AddTime', 'Tag_Profile_Custom_Test', 'Tag_SNS_Custom_Absent'];

describe('every reply of the fake validates against the document', () => {
  it.each([1, 2, 3])('across a generated dataset (seed %i), every page, filter, per-friend failure and error', async (seed) => {
    const dataset = generateDataset({ seed, groups: 700 + seed * 37, friends: 230, strangers: 20, conversations: 45, friendLists: 5 });
    const fake = createFakeVendor({ dataset, rateLimit: false, contactPageSize: 10, cursorBase: seed === 3 ? 2n ** 63n : 4454685360n });
    const checked = documentCheckedFetch(fake);
    const call = (operation: OperationId, body: unknown): Promise<Record<string, unknown>> => post(checked.fetch, operation, body).then((reply) => reply.json);

    for (const type of [undefined, ...GROUP_TYPES]) {
      let next: unknown = 0;
      for (let page = 0; page < 100; page++) {
        // Re-sending the cursor losslessly needs the raw text; the fake's cursors here stay below 2^63 + 2^20.
        const reply = await post(checked.fetch, 'getAppGroups', `{"Limit":97,"Next":${String(next)}${type ? `,"GroupType":"${type}"` : ''}}`);
        const match = /"Next":(\d+)/.exec(reply.text);
        next = match?.[1];
        if (next === '0') break;
      }
      expect(next).toBe('0');
    }
    const owner = dataset.owner;
    await call('getFriendLists', { From_Account: owner });
    await call('getFriendLists', { From_Account: owner, NeedFriend: 'Need_Friend_Type_Yes', LastSequence: 1 });
    await call('getFriendLists', { From_Account: owner, GroupName: ['list_1', 'list_9'], NeedFriend: 'Need_Friend_Type_Yes' });
    await call('getFriendLists', { From_Account: dataset.strangerIds[0] });
    for (let i = 0; i < dataset.friendIds.length; i += 100) {
      await call('getSpecifiedFriends', { From_Account: owner, To_Account: [...dataset.friendIds.slice(i, i + 100), ...dataset.strangerIds.slice(0, 3)], TagList: TAGS });
    }
    for (let start: unknown = 0, i = 0; i < 10; i++) {
      const page = await call('getConversationGroupMarks', { From_Account: owner, StartIndex: start });
      if (page['CompleteFlag'] === 1) break;
      start = page['NextStartIndex'];
    }
    await call('getConversationGroupMarks', { From_Account: dataset.strangerIds[1], StartIndex: 0 });
    // Failures: unknown accounts, invalid bodies, bad credentials, scripted codes, the rate limit.
    await call('getFriendLists', { From_Account: 'nobody' });
    await call('getConversationGroupMarks', { From_Account: 'nobody', StartIndex: 0 });
    await call('getAppGroups', { Next: 12345 });
    for (const operation of Object.keys(operations) as OperationId[]) {
      await call(operation, { Unknown: 1 });
      await post(checked.fetch, operation, '{not json');
      await post(checked.fetch, operation, {}, await signedQuery({ usersig: 'eJw*broken' }));
      fake.inject(operation, 60007);
      await call(operation, {});
    }
    const limited = createFakeVendor({ dataset, now: () => 0, rateLimit: 1 });
    const limitedChecked = documentCheckedFetch(limited);
    for (let i = 0; i < 3; i++) await post(limitedChecked.fetch, 'getFriendLists', { From_Account: owner });

    expect(checked.violations).toEqual([]);
    expect(limitedChecked.violations).toEqual([]);
    expect(checked.checked).toBeGreaterThan(40);
    expect(limited.stats().rateLimited).toBe(2);
  });
});

/** Bodies each operation must accept or refuse; the document's own request examples are added below. */
const bodies: Record<OperationId, unknown[]> = {
  getFriendLists: [
    { From_Account: 'user0' },
    {},
    { From_Account: '' },
    { From_Account: 'user0', NeedFriend: 'Need_Friend_Type_No' },
    { From_Account: 'user0', GroupName: [''] },
    { From_Account: 'user0', LastSequence: -1 },
    { From_Account: 'user0', Extra: true },
  ],
  getSpecifiedFriends: [
    { From_Account: 'user0', To_Account: ['friend_1', 'stranger_1'], TagList: ['Tag_Profile_IM_Nick'] },
    { From_Account: 'user0', To_Account: [], TagList: ['Tag_Profile_IM_Nick'] },
    { From_Account: 'user0', To_Account: ['friend_1'], TagList: [] },
    { From_Account: 'user0', To_Account: ['friend_1'], TagList: ['Nick'] },
    { From_Account: 'user0', To_Account: 'friend_1', TagList: ['Tag_Profile_IM_Nick'] },
    { To_Account: ['friend_1'], TagList: ['Tag_Profile_IM_Nick'] },
  ],
  getAppGroups: [
    {},
    { Limit: 10000 },
    { Limit: 10001 },
    { Limit: 0 },
    { Limit: 1.5 },
    { Next: -1 },
    { Next: '5' },
    { GroupType: 'Village' },
    { GroupType: 'Community', Limit: 3 },
    { Cursor: 0 },
  ],
  getConversationGroupMarks: [
    { From_Account: 'user0', StartIndex: 0 },
    { From_Account: 'user0' },
    { From_Account: 'user0', StartIndex: -1 },
    { From_Account: 'user0', StartIndex: '0' },
    { StartIndex: 0 },
  ],
};

describe('the fake and Prism accept and refuse the same bodies', () => {
  const fake = createFakeVendor({ dataset: generateDataset(), rateLimit: false });
  const cases = listOperations().flatMap((operation) => {
    const id = operation.operationId as OperationId;
    return [...operation.requestExamples.map((example) => example.value), ...bodies[id]].map((body) => [id, operation.path, JSON.stringify(body)] as const);
  });

  it.each(cases)('%s %s %s', async (operation, path, text) => {
    const prism = await postToPrism(path, { body: JSON.parse(text) });
    expect([200, 422], `Prism answered ${prism.status}`).toContain(prism.status);
    const ours = await post(fake.fetch, operation, text);
    const refused = ours.json['ErrorCode'] === vendorCodes.invalidBody[operation];
    expect(refused ? 'refused' : 'accepted').toBe(prism.status === 422 ? 'refused' : 'accepted');
  });
});
