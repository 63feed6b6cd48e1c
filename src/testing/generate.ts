// Big, deterministic datasets for the fake vendor: the same options and seed always give the same data, so a test
// can name accounts and groups it knows exist. Field values are sized like real ones (nicknames, avatar URLs,
// remarks, vendor-style group IDs), so reply sizes are realistic.
import type { ContactItem, FakeDataset, FakeFriend, FieldValue, GroupType } from './dataset.js';

export interface GenerateOptions {
  /** Groups of the app (default 100), of every type. */
  groups?: number;
  /** Friends of `owner` (default 10). */
  friends?: number;
  /** Accounts that exist but are nobody's friend (default 10), for per-friend failures. */
  strangers?: number;
  /** The account whose friends, lists and conversations are generated (default `user0`). */
  owner?: string;
  /** Friend lists of the owner (default 4); each friend is in zero to two of them. */
  friendLists?: number;
  /** Marked conversations of the owner (default 20), and conversation groups (default 3). */
  conversations?: number;
  conversationGroups?: number;
  /** Seed of the generator (default 1). */
  seed?: number;
}

export interface GeneratedDataset extends FakeDataset {
  owner: string;
  /** The owner's friends, in order. */
  friendIds: string[];
  /** Accounts that are nobody's friend. */
  strangerIds: string[];
  groups: { id: string; type: GroupType }[];
}

/** Mulberry32: a tiny, fast PRNG that is good enough for test data and the same on every runtime. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Weighted like a typical app: mostly work and public groups, few rooms.
const GROUP_TYPES: readonly (readonly [GroupType, number])[] = [
  ['Public', 0.3], ['Private', 0.35], ['ChatRoom', 0.15], ['AVChatRoom', 0.08], ['Community', 0.1], ['BChatRoom', 0.02],
];
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  let roll = random();
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (weighted[weighted.length - 1] as readonly [T, number])[0];
}

/** A vendor-style group ID (`@TGS#2J4SZEAEL`), unique per index. */
function groupId(index: number, random: () => number): string {
  let unique = '';
  for (let n = index; unique.length < 5; n = Math.floor(n / 36)) unique = ALPHABET[n % 36] + unique;
  let noise = '';
  for (let i = 0; i < 4; i++) noise += ALPHABET[Math.floor(random() * 36)];
  return `@TGS#${1 + Math.floor(random() * 3)}${unique}${noise}`;
}

function profileOf(id: string, index: number, random: () => number): Record<string, FieldValue> {
  return {
    Tag_Profile_IM_Nick: `nick_${id}`,
    Tag_Profile_IM_Gender: random() < 0.5 ? 'Gender_Type_Female' : 'Gender_Type_Male',
    Tag_Profile_IM_Image: `https://avatars.example.com/u/${id}/${Math.floor(random() * 1e9).toString(16)}.png`,
    Tag_Profile_IM_SelfSignature: `status line of ${id}, number ${index}`,
    Tag_Profile_IM_AllowType: 'AllowType_Type_NeedConfirm',
    Tag_Profile_IM_Level: Math.floor(random() * 100),
    Tag_Profile_Custom_Test: `custom_profile_${index}`,
  };
}

export function generateDataset(options: GenerateOptions = {}): GeneratedDataset {
  const random = prng(options.seed ?? 1);
  const owner = options.owner ?? 'user0';
  const friendCount = options.friends ?? 10;
  const strangerCount = options.strangers ?? 10;
  const listNames = Array.from({ length: options.friendLists ?? 4 }, (_, i) => `list_${i + 1}`);

  const accounts: Record<string, Record<string, FieldValue>> = { [owner]: profileOf(owner, 0, random) };
  const friendIds = Array.from({ length: friendCount }, (_, i) => `friend_${i + 1}`);
  const strangerIds = Array.from({ length: strangerCount }, (_, i) => `stranger_${i + 1}`);
  [...friendIds, ...strangerIds].forEach((id, i) => (accounts[id] = profileOf(id, i + 1, random)));

  const friendsOfOwner: Record<string, FakeFriend> = {};
  const addTime = 1_600_000_000;
  friendIds.forEach((id, i) => {
    const lists = listNames.filter(() => random() < 0.3).slice(0, 2);
    friendsOfOwner[id] = {
      lists,
      sns: {
        Tag_SNS_IM_Remark: `remark_${i + 1}`,
        Tag_SNS_IM_AddSource: 'AddSource_Type_Android',
        Tag_SNS_IM_AddWording: `hello from ${id}`,
        Tag_SNS_IM_AddTime: addTime + i * 3600,
        Tag_SNS_Custom_Test: `custom_sns_${i + 1}`,
      },
    };
  });

  const groups = Array.from({ length: options.groups ?? 100 }, (_, i) => ({ id: groupId(i, random), type: pick(random, GROUP_TYPES) }));

  const conversationGroups = Array.from({ length: options.conversationGroups ?? 3 }, (_, i) => ({ id: i + 1, name: `conversations_${i + 1}` }));
  const contacts: ContactItem[] = Array.from({ length: options.conversations ?? 20 }, (_, i) => {
    const marks = Array.from({ length: 9 }, () => (random() < 0.5 ? '1' : '0')).join('');
    const inGroups = conversationGroups.filter(() => random() < 0.4).map((group) => group.id);
    const toGroup = groups.length > 0 && (i % 3 === 2 || friendIds.length === 0);
    const peer: Pick<ContactItem, 'Type' | 'To_Account' | 'ToGroupId'> = toGroup
      ? { Type: 2, ToGroupId: (groups[i % groups.length] as { id: string }).id }
      : { Type: 1, To_Account: friendIds[i % Math.max(friendIds.length, 1)] ?? `peer_${i}` };
    return { ...peer, StandardMark: marks, ...(inGroups.length > 0 ? { ContactGroupId: inGroups } : {}), Timestamp: addTime + i * 60 };
  });

  return {
    owner,
    friendIds,
    strangerIds,
    accounts,
    friends: { [owner]: friendsOfOwner },
    friendLists: { [owner]: listNames },
    groups,
    conversations: { [owner]: { groups: conversationGroups, contacts } },
  };
}
