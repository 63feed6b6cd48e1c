// The upstream the runtime matrix talks to: the project's fake vendor (tim-rest-client/testing) behind its loopback
// server, with a small dataset for the scenarios in consumer/scenarios.mjs. The fake verifies every usersig with
// the test's secret key, so a runtime that signs wrongly fails; the scenarios script the 503 and the 70001 themselves
// through the server's /__fake/faults endpoint, right before the call they are for.
import type { FakeDataset } from '../../src/testing/index.js';
import { startFakeVendorServer, type FakeVendorServer } from '../../src/testing/server-entry.js';

export const SDK_APP_ID = 1400000000;
export const IDENTIFIER = 'administrator';
/** 2^64 − 1, the largest cursor: a runtime that reads it as a double sends back other digits. */
export const BIG_CURSOR = '18446744073709551615';

const friendsOfUser1 = Object.fromEntries(
  Array.from({ length: 250 }, (_, i) => [`friend${i}`, { sns: { Tag_SNS_IM_Remark: `remark of friend${i}` } }]),
);
const familyAndWork = { a: { lists: ['family'] }, b: { lists: ['family'] } };

const dataset: FakeDataset = {
  friends: { user1: { ...familyAndWork, ...friendsOfUser1 }, flaky: familyAndWork, 'expired-once': familyAndWork },
  friendLists: { user1: ['family', 'work'], flaky: ['family', 'work'], 'expired-once': ['family', 'work'] },
  sequences: { user1: 7 },
  groups: [
    { id: '@TGS#1', type: 'Public' },
    { id: '@TGS#2', type: 'Public' },
    { id: '@TGS#3', type: 'Public' },
  ],
  conversations: {
    user1: {
      groups: [
        { id: 1, name: 'marks0' },
        { id: 2, name: 'marks1' },
      ],
      contacts: [
        { Type: 1, To_Account: 'peer0', StandardMark: '1', ContactGroupId: [1], Timestamp: 1672998266 },
        { Type: 1, To_Account: 'peer1', StandardMark: '1', ContactGroupId: [2], Timestamp: 1672998267 },
      ],
    },
  },
};

export function startMatrixUpstream(secretKey: string): Promise<FakeVendorServer> {
  return startFakeVendorServer({
    dataset,
    sdkAppId: SDK_APP_ID,
    identifier: IDENTIFIER,
    secretKey,
    // The page of index 2 (Limit 2) gets cursorBase + 2 = 2^64 − 1.
    cursorBase: BigInt(BIG_CURSOR) - 2n,
    contactPageSize: 1,
    // Pacing is not what the matrix is about; both sides leave it out, so no runtime waits on a clock.
    rateLimit: false,
  });
}
