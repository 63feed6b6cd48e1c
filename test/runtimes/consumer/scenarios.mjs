// What every runtime of the matrix runs, through the package as a consumer imports it ('tim-rest-client' from
// node_modules, or bundled from there for workerd): the four operations, both paginations, chunking, a retry, a
// re-sign after 70001, a business failure, UserSig signing/verification on fixed vectors, the in-memory fake of
// 'tim-rest-client/testing' (which must load, and bundle for workerd, without Node's modules), and callback
// signatures (verifyCallback and the callback handler, from 'tim-rest-client/callbacks') on fixed vectors. The result
// is plain JSON, compared by the test with what every runtime must produce. Plain JavaScript so that every runtime
// loads it as it is, without a TypeScript step.
import { ChatApiError, createChatClient, genUserSig, verifyUserSig } from 'tim-rest-client';
import { createFakeVendor, generateDataset } from 'tim-rest-client/testing';
import { createCallbackHandler, verifyCallback } from 'tim-rest-client/callbacks';

/**
 * @param {{ upstream: string, refused: string, secretKey: string, vectors: { sdkAppId: number, identifier: string, secretKey: string, expireSeconds: number, issuedAt: number }[], callbackVectors: { token: string, sdkAppId: number, requestTime: number, sign: string }[] }} config
 */
export async function runScenarios(config) {
  const chat = createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: config.secretKey,
    baseUrl: config.upstream,
    // Short back-off: the upstream scripts the failures, nothing here waits for a real server to recover.
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    rateLimit: false,
  });
  /** Scripts the fake vendor's answer to the next getFriendLists call (its loopback server's control endpoint). */
  const nextFriendListsCall = async (fault) => {
    const response = await fetch(new URL('/__fake/faults', config.upstream), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'getFriendLists', fault, times: 1 }),
    });
    if (!response.ok) throw new Error(`the fake refused the fault: ${await response.text()}`);
  };
  const out = {};

  const lists = await chat.getFriendLists({ From_Account: 'user1', NeedFriend: 'Need_Friend_Type_Yes' });
  out.getFriendLists = {
    lists: (lists.ResultItem ?? []).map((list) => `${list.GroupName}:${(list.To_Account ?? []).join('+')}`),
    currentSequence: String(lists.CurrentSequence),
  };

  // 250 accounts: three calls of at most 100, merged in order.
  const accounts = Array.from({ length: 250 }, (_, i) => `friend${i}`);
  const friends = await chat.getSpecifiedFriends({ From_Account: 'user1', To_Account: accounts, TagList: ['Tag_SNS_IM_Remark'] });
  const items = friends.InfoItem ?? [];
  out.getSpecifiedFriends = {
    count: items.length,
    inOrder: items.every((item, i) => item.To_Account === accounts[i]),
    last: `${items.at(-1)?.To_Account}=${items.at(-1)?.SnsProfileItem?.[0]?.Value}`,
    failAccount: friends.Fail_Account ?? [],
  };

  const groups = await chat.getAppGroups({ Limit: 2 });
  out.getAppGroups = { groups: (groups.GroupIdList ?? []).map((g) => g.GroupId), next: String(groups.Next), total: groups.TotalCount };

  const marks = await chat.getConversationGroupMarks({ From_Account: 'user1', StartIndex: 0 });
  out.getConversationGroupMarks = {
    groups: (marks.GroupItem ?? []).map((g) => g.GroupName),
    contacts: (marks.ContactItem ?? []).map((c) => c.To_Account),
    complete: marks.CompleteFlag,
  };

  const pagedGroups = [];
  const cursors = [];
  for await (const page of chat.paginate('getAppGroups', { Limit: 2 })) {
    cursors.push(String(page.Next));
    for (const group of page.GroupIdList ?? []) pagedGroups.push(group.GroupId);
  }
  out.paginateAppGroups = { groups: pagedGroups, cursors };

  const pagedMarks = [];
  for await (const page of chat.paginate('getConversationGroupMarks', { From_Account: 'user1', StartIndex: 0 })) {
    for (const contact of page.ContactItem ?? []) pagedMarks.push(contact.To_Account);
  }
  out.paginateConversationGroupMarks = pagedMarks;

  await nextFriendListsCall({ httpStatus: 503 });
  const retried = await chat.getFriendLists({ From_Account: 'flaky' });
  out.retry = (retried.ResultItem ?? []).map((list) => list.GroupName);
  await nextFriendListsCall(70001);
  const resigned = await chat.getFriendLists({ From_Account: 'expired-once' });
  out.resign = (resigned.ResultItem ?? []).map((list) => list.GroupName);

  try {
    await chat.getFriendLists({ From_Account: 'nobody' });
    out.failure = 'resolved';
  } catch (error) {
    out.failure = error instanceof ChatApiError ? { code: error.code, retryable: error.retryable, operation: error.operation } : `not a ChatApiError: ${error}`;
  }

  // A refused connection proves nothing reached the server: even a write is sent again, up to the retries.
  const nowhere = createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: config.secretKey,
    baseUrl: config.refused,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    rateLimit: false,
  });
  try {
    await nowhere.request('v4/im_open_login_svc/account_import', { UserID: 'matrix-user' });
    out.refused = 'resolved';
  } catch (error) {
    out.refused = error instanceof ChatApiError ? { code: error.code, attempts: error.attempts } : `not a ChatApiError: ${error}`;
  }

  out.userSigs = [];
  for (const vector of config.vectors) {
    const sig = await genUserSig(vector);
    const { sdkAppId, identifier, secretKey } = vector;
    const valid = await verifyUserSig(sig, { sdkAppId, identifier, secretKey, now: vector.issuedAt + 1 });
    const wrongKey = await verifyUserSig(sig, { sdkAppId, identifier, secretKey: `${secretKey}0`, now: vector.issuedAt + 1 });
    const expired = await verifyUserSig(sig, { sdkAppId, identifier, secretKey, now: vector.issuedAt + vector.expireSeconds });
    out.userSigs.push({ sig, valid: valid.ok, wrongKey: wrongKey.ok ? 'ok' : wrongKey.reason, expired: expired.ok ? 'ok' : expired.reason });
  }

  const fake = createFakeVendor({ dataset: generateDataset({ friends: 150 }), rateLimit: false });
  const inMemory = createChatClient({ ...fake.clientOptions(), rateLimit: false });
  const fakeFriends = await inMemory.getSpecifiedFriends({ From_Account: 'user0', To_Account: ['friend_1', 'stranger_1'], TagList: ['Tag_Profile_IM_Nick'] });
  out.inMemoryFake = { codes: fakeFriends.InfoItem?.map((item) => item.ResultCode), calls: fake.calls.map((call) => call.operation) };

  out.callbacks = [];
  for (const vector of config.callbackVectors) {
    const { token, sdkAppId, requestTime } = vector;
    const query = { SdkAppid: String(sdkAppId), CallbackCommand: 'Sns.CallbackFriendDelete', contenttype: 'json', Sign: vector.sign, RequestTime: String(requestTime) };
    const valid = await verifyCallback(query, { token, sdkAppId, now: requestTime + 60 });
    const wrongToken = await verifyCallback(query, { token: `${token}0`, sdkAppId, now: requestTime });
    const stale = await verifyCallback(query, { token, sdkAppId, now: requestTime + 61 });
    const handle = createCallbackHandler({
      token,
      sdkAppId,
      now: () => requestTime,
      handlers: { 'Sns.CallbackFriendDelete': (body) => ({ ErrorInfo: body.PairList.map((pair) => pair.To_Account).join('+') }) },
    });
    const body = JSON.stringify({ CallbackCommand: 'Sns.CallbackFriendDelete', PairList: [{ From_Account: 'a', To_Account: 'b' }] });
    const response = await handle(new Request(`https://app.example/cb?${new URLSearchParams(query)}`, { method: 'POST', body }));
    out.callbacks.push({
      valid: valid.ok,
      wrongToken: wrongToken.ok ? 'ok' : wrongToken.reason,
      stale: stale.ok ? 'ok' : stale.reason,
      handler: `${response.status} ${(await response.json()).ErrorInfo}`,
    });
  }
  return out;
}

/** The line the test looks for in a runtime's output. */
export const RESULT_MARK = 'RUNTIME-RESULT ';
