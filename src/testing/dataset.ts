// The data the fake vendor serves, as a test writes it, and the indexed form the fake answers from.
import type { components } from '../../generated/openapi.js';

export type GroupType = components['schemas']['GroupType'];
export type ContactItem = components['schemas']['ContactItem'];
/** A profile (`Tag_Profile_*`) or relationship (`Tag_SNS_*`) field value. */
export type FieldValue = string | number | string[];

export interface FakeFriend {
  /** Relationship fields (`Tag_SNS_IM_Remark`, `Tag_SNS_IM_AddTime`, `Tag_SNS_Custom_*`…). */
  sns?: Record<string, FieldValue>;
  /** Friend lists of the owner this friend is in (`Tag_SNS_IM_Group`, and `group_get`). */
  lists?: string[];
}

export interface FakeConversations {
  /** The account's conversation groups. */
  groups?: { id: number; name: string }[];
  /** Conversations with their marks and groups, in the order they are paged. */
  contacts?: ContactItem[];
}

export interface FakeDataset {
  /** Accounts of the app with their profile fields (`Tag_Profile_*`); a plain list of UserIDs is accepted too. */
  accounts?: Record<string, Record<string, FieldValue>> | string[];
  /** Each owner's friends: `friends[owner][friend]`. Owners and friends become accounts if not listed. */
  friends?: Record<string, Record<string, FakeFriend>>;
  /** Each owner's friend lists, in order, including empty ones; lists named by friends are added after these. */
  friendLists?: Record<string, string[]>;
  /** Each owner's friend-list sequence (`CurrentSequence`), default 1 for an owner with friends. */
  sequences?: Record<string, number | bigint>;
  /** The app's groups, in the order `get_appid_group_list` pages them. */
  groups?: { id: string; type: GroupType }[];
  /** Each account's conversation groups and marked conversations. */
  conversations?: Record<string, FakeConversations>;
}

export interface Store {
  profiles: Map<string, Record<string, FieldValue>>;
  friends: Map<string, Map<string, FakeFriend>>;
  lists: Map<string, string[]>;
  sequences: Map<string, bigint>;
  groups: { id: string; type: GroupType }[];
  groupsByType: Map<GroupType, { id: string; type: GroupType }[]>;
  conversations: Map<string, Required<FakeConversations>>;
}

export function buildStore(dataset: FakeDataset): Store {
  const profiles = new Map<string, Record<string, FieldValue>>();
  const addAccount = (id: string, profile: Record<string, FieldValue> = {}): void => {
    if (!profiles.has(id)) profiles.set(id, profile);
  };
  if (Array.isArray(dataset.accounts)) dataset.accounts.forEach((id) => addAccount(id));
  else for (const [id, profile] of Object.entries(dataset.accounts ?? {})) addAccount(id, profile);

  const friends = new Map<string, Map<string, FakeFriend>>();
  const lists = new Map<string, string[]>();
  const sequences = new Map<string, bigint>();
  for (const [owner, names] of Object.entries(dataset.friendLists ?? {})) lists.set(owner, [...new Set(names)]);
  for (const [owner, ofOwner] of Object.entries(dataset.friends ?? {})) {
    addAccount(owner);
    const map = new Map<string, FakeFriend>();
    const ownerLists = lists.get(owner) ?? [];
    for (const [friend, relation] of Object.entries(ofOwner)) {
      addAccount(friend);
      map.set(friend, relation);
      for (const list of relation.lists ?? []) if (!ownerLists.includes(list)) ownerLists.push(list);
    }
    friends.set(owner, map);
    lists.set(owner, ownerLists);
    sequences.set(owner, 1n);
  }
  for (const [owner, sequence] of Object.entries(dataset.sequences ?? {})) sequences.set(owner, BigInt(sequence));

  const groups = [...(dataset.groups ?? [])];
  const groupsByType = new Map<GroupType, { id: string; type: GroupType }[]>();
  for (const group of groups) {
    let ofType = groupsByType.get(group.type);
    if (!ofType) groupsByType.set(group.type, (ofType = []));
    ofType.push(group);
  }

  const conversations = new Map<string, Required<FakeConversations>>();
  for (const [owner, held] of Object.entries(dataset.conversations ?? {})) {
    addAccount(owner);
    conversations.set(owner, { groups: held.groups ?? [], contacts: held.contacts ?? [] });
  }
  return { profiles, friends, lists, sequences, groups, groupsByType, conversations };
}
