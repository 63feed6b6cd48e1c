// What the fake vendor answers to a valid, authenticated request of each operation, from its dataset: the vendor's
// semantics (cursor paging with Limit and GroupType, StartIndex paging, per-friend ResultCode, NeedFriend, GroupName
// filtering), or the FAIL the vendor gives for an unknown account or cursor.
import type { OperationId } from '../../generated/api-facts.js';
import type { Store, FieldValue } from './dataset.js';
import { vendorCodes, FRIEND_NOT_EXIST_INFO } from './vendor-codes.js';

export type Body = Record<string, unknown>;
export type Answer = { ok: true; fields: Body } | { ok: false; code: number; info: string };

export interface PagingOptions {
  /** First `Next` cursor value; the cursor of the page starting at index i is cursorBase + i. */
  cursorBase: bigint;
  /** Conversations per get_contact_group page. */
  contactPageSize: number;
}

const fail = (code: number, info: string): Answer => ({ ok: false, code, info });
const toBigInt = (value: unknown, fallback: bigint): bigint =>
  typeof value === 'bigint' ? value : typeof value === 'number' ? BigInt(value) : fallback;

// The vendor refuses a page whose reply would exceed 1 MB (10018).
const MAX_REPLY_BYTES = 1024 * 1024;

function getFriendLists(store: Store, body: Body): Answer {
  const owner = body['From_Account'] as string;
  if (!store.profiles.has(owner)) return fail(vendorCodes.accountNotFound.getFriendLists, `From_Account ${owner} does not exist`);
  const friends = store.friends.get(owner) ?? new Map();
  const wanted = (body['GroupName'] as string[] | undefined) ?? [];
  const names = (store.lists.get(owner) ?? []).filter((name) => wanted.length === 0 || wanted.includes(name));
  const needFriend = body['NeedFriend'] === 'Need_Friend_Type_Yes';
  const ResultItem = names.map((name) => {
    const members = [...friends].filter(([, relation]) => relation.lists?.includes(name)).map(([id]) => id);
    return { GroupName: name, FriendNumber: members.length, ...(needFriend ? { To_Account: members } : {}) };
  });
  return { ok: true, fields: { ResultItem, CurrentSequence: store.sequences.get(owner) ?? 0n } };
}

function getSpecifiedFriends(store: Store, body: Body): Answer {
  const owner = body['From_Account'] as string;
  if (!store.profiles.has(owner)) return fail(vendorCodes.accountNotFound.getSpecifiedFriends, `From_Account ${owner} does not exist`);
  const friends = store.friends.get(owner);
  const tags = body['TagList'] as string[];
  const failed: string[] = [];
  const InfoItem = (body['To_Account'] as string[]).map((id) => {
    const relation = friends?.get(id);
    if (!relation) {
      failed.push(id);
      return { To_Account: id, ResultCode: vendorCodes.friendNotExist, ResultInfo: FRIEND_NOT_EXIST_INFO };
    }
    const profile = store.profiles.get(id) ?? {};
    const SnsProfileItem: { Tag: string; Value: FieldValue }[] = [];
    for (const tag of tags) {
      const value = tag === 'Tag_SNS_IM_Group' ? relation.lists : tag.startsWith('Tag_SNS_') ? relation.sns?.[tag] : profile[tag];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) SnsProfileItem.push({ Tag: tag, Value: value });
    }
    return { To_Account: id, SnsProfileItem, ResultCode: 0, ResultInfo: '' };
  });
  return { ok: true, fields: { InfoItem, ...(failed.length > 0 ? { Fail_Account: failed } : {}) } };
}

function getAppGroups(store: Store, body: Body, paging: PagingOptions): Answer {
  const type = body['GroupType'] as Parameters<Store['groupsByType']['get']>[0] | undefined;
  const groups = type === undefined ? store.groups : (store.groupsByType.get(type) ?? []);
  const limit = (body['Limit'] as number | undefined) ?? 10_000;
  const next = toBigInt(body['Next'], 0n);
  let start = 0;
  if (next !== 0n) {
    const index = next - paging.cursorBase;
    if (index < 1n || index >= BigInt(groups.length)) return fail(vendorCodes.invalidBody.getAppGroups, `Next ${next} is not a cursor of this listing`);
    start = Number(index);
  }
  const page = groups.slice(start, start + limit);
  const end = start + page.length;
  const fields = {
    TotalCount: groups.length,
    GroupIdList: page.map((group) => ({ GroupId: group.id })),
    Next: end < groups.length ? paging.cursorBase + BigInt(end) : 0n,
  };
  // Group IDs are short ASCII, so the character count is the byte count (within a few bytes of the envelope).
  const bytes = page.reduce((sum, group) => sum + group.id.length + 14, 0);
  if (bytes > MAX_REPLY_BYTES) return fail(vendorCodes.replyTooLarge, 'the reply would exceed 1 MB; lower Limit');
  return { ok: true, fields };
}

function getConversationGroupMarks(store: Store, body: Body, paging: PagingOptions): Answer {
  const owner = body['From_Account'] as string;
  if (!store.profiles.has(owner)) return fail(vendorCodes.accountNotFound.getConversationGroupMarks, `From_Account ${owner} has not been imported`);
  const held = store.conversations.get(owner) ?? { groups: [], contacts: [] };
  const start = body['StartIndex'] as number;
  const page = held.contacts.slice(start, start + paging.contactPageSize);
  const complete = start + paging.contactPageSize >= held.contacts.length;
  return {
    ok: true,
    fields: {
      ContactItem: page,
      // The account's conversation groups come with the first page only, so a caller merging pages gets each once.
      ...(start === 0 ? { GroupItem: held.groups.map((group) => ({ GroupName: group.name, GroupId: group.id })) } : {}),
      CompleteFlag: complete ? 1 : 0,
      NextStartIndex: complete ? 0 : start + page.length,
    },
  };
}

export function answerOperation(operation: OperationId, store: Store, body: Body, paging: PagingOptions): Answer {
  switch (operation) {
    case 'getFriendLists':
      return getFriendLists(store, body);
    case 'getSpecifiedFriends':
      return getSpecifiedFriends(store, body);
    case 'getAppGroups':
      return getAppGroups(store, body, paging);
    case 'getConversationGroupMarks':
      return getConversationGroupMarks(store, body, paging);
  }
}
