// The error codes the fake vendor answers with, and when. The fake simulates the vendor, so it has to know which of
// the document's codes the vendor uses for which situation; every code named here is checked against the document's
// x-error-codes by the tests (test/testing/vendor-codes.test.ts), so a code the document drops cannot linger here.
import type { OperationId } from '../../generated/api-facts.js';

type PerOperation = Readonly<Record<OperationId, number>>;

export const vendorCodes = {
  /** The path is not one of the four operations. */
  unknownPath: 60009,
  /** Not a POST, or the request could not be read. */
  httpFormat: 60002,
  /** The body is not JSON. */
  notJson: 60003,
  /** A query parameter is missing or malformed (random, contenttype). */
  badQuery: 60004,
  /** `identifier` is missing. */
  missingIdentifier: 60005,
  /** More calls of this API in the last second than its limit. */
  rateLimited: 60007,
  /** `sdkappid` is missing. */
  missingSdkAppId: 60012,
  /** `sdkappid` is not the fake's app. */
  unknownApp: 70020,
  userSigExpired: 70001,
  userSigEmpty: 70002,
  userSigMalformed: 70003,
  userSigBadSignature: 70009,
  userSigWrongIdentifier: 70013,
  userSigWrongApp: 70014,
  /** The body breaks the operation's request schema. */
  invalidBody: { getFriendLists: 30001, getSpecifiedFriends: 30001, getAppGroups: 10004, getConversationGroupMarks: 50002 } as PerOperation,
  /** `identifier` is not an app admin. */
  notAdmin: { getFriendLists: 30004, getSpecifiedFriends: 30004, getAppGroups: 10007, getConversationGroupMarks: 50003 } as PerOperation,
  /** `From_Account` is not an account of the app. */
  accountNotFound: { getFriendLists: 30003, getSpecifiedFriends: 30003, getAppGroups: 10004, getConversationGroupMarks: 50001 } as PerOperation,
  /** Per-friend ResultCode of getSpecifiedFriends for an account that is not a friend. */
  friendNotExist: 30001,
  /** getAppGroups: the page would exceed 1 MB. */
  replyTooLarge: 10018,
} as const;

/** ErrorInfo of the per-friend failure, as the vendor's sample spells it. */
export const FRIEND_NOT_EXIST_INFO = 'Err_SNS_FriendGetList_Friend_Not_Exist';
