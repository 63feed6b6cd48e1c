// What a user feels in the editor, proved by the compiler: every `@ts-expect-error` line must be an error, every other
// line must compile (under exactOptionalPropertyTypes, see tsconfig.json here). Nothing here runs.
import {
  createChatClient,
  ChatApiError,
  TransportCode,
  type CallOptions,
  type ChatClient,
  type ChatClientOptions,
  type ChatErrorCode,
  type OperationId,
  type components,
} from '../../src/index.js';

declare const chat: ChatClient;
declare const maybeSignal: AbortSignal | undefined;
declare const maybeTimeout: number | undefined;
declare const maybeHeaders: HeadersInit | undefined;

export async function replies(): Promise<void> {
  // The resolved reply is the success shape.
  const lists = await chat.getFriendLists({ From_Account: 'alice' });
  const ok: 'OK' = lists.ActionStatus;
  const zero: 0 = lists.ErrorCode;
  // @ts-expect-error a resolved reply never says FAIL
  const fail: 'FAIL' = lists.ActionStatus;
  void [ok, zero, fail];

  // int64 cursors and sequences are decimal strings, whatever their size.
  const page = await chat.getAppGroups({ Limit: 10 });
  const next: string | undefined = page.Next;
  // @ts-expect-error not a number: `page.Next === 0` would never be true
  const nextNumber: number | undefined = page.Next;
  void [next, nextNumber];
}

export async function bodies(): Promise<void> {
  // An operation whose fields are all optional can be called without a body; others cannot.
  await chat.getAppGroups();
  // @ts-expect-error From_Account is required
  await chat.getFriendLists();
  // @ts-expect-error not a field of this request
  await chat.getFriendLists({ From_Account: 'alice', Bogus: 1 });

  // TagList completes the standard names and accepts the custom families.
  await chat.getSpecifiedFriends({
    From_Account: 'alice',
    To_Account: ['bob'],
    TagList: ['Tag_Profile_IM_Nick', 'Tag_SNS_IM_Remark', 'Tag_Profile_Custom_Hobby', 'Tag_SNS_Custom_Since', 'Tag_Profile_IM_FutureField'],
  });
  // @ts-expect-error not a profile or relationship field name
  await chat.getSpecifiedFriends({ From_Account: 'alice', To_Account: ['bob'], TagList: ['Nick'] });
  const tag: components['schemas']['ProfileTag'] = 'Tag_SNS_IM_AddTime';
  void tag;
}

export async function options(): Promise<void> {
  // Options accept `undefined` for every optional field, under exactOptionalPropertyTypes.
  const call: CallOptions = { signal: maybeSignal, timeoutMs: maybeTimeout, headers: maybeHeaders, retry: undefined };
  await chat.getFriendLists({ From_Account: 'alice' }, call);
  await chat.getFriendLists({ From_Account: 'alice' }, { signal: maybeSignal, retry: false });
  const client: ChatClientOptions = { sdkAppId: 1, identifier: 'admin', secretKey: 'key', timeoutMs: maybeTimeout, region: undefined, hooks: undefined };
  createChatClient(client);
  // @ts-expect-error secretKey and userSig are exclusive
  createChatClient({ sdkAppId: 1, identifier: 'admin', secretKey: 'key', userSig: 'sig' });
  // @ts-expect-error retry is an object or false
  await chat.getFriendLists({ From_Account: 'alice' }, { retry: true });
}

export async function pagination(): Promise<void> {
  // paginate fills in the cursor: the body need not carry it, though the method itself requires it.
  for await (const marks of chat.paginate('getConversationGroupMarks', { From_Account: 'alice' })) {
    const flag: number | undefined = marks.CompleteFlag;
    void flag;
  }
  // @ts-expect-error StartIndex is required when calling the method directly
  await chat.getConversationGroupMarks({ From_Account: 'alice' });
  // An item iterator: every group of the app, page after page.
  for await (const group of chat.paginate('getAppGroups', { Limit: 1000 }).items()) {
    const id: string = group.GroupId;
    void id;
  }
  // @ts-expect-error getFriendLists is not paged
  chat.paginate('getFriendLists', { From_Account: 'alice' });
}

export async function request(): Promise<void> {
  // Typed for a path of the document (with or without the leading slash), unknown otherwise.
  const lists = await chat.request('v4/sns/group_get', { From_Account: 'alice' });
  const ok: 'OK' = lists.ActionStatus;
  const same = await chat.request('/v4/sns/group_get', { From_Account: 'alice' });
  void [ok, same.ResultItem];
  // @ts-expect-error the body of a documented path is checked
  await chat.request('v4/sns/group_get', { Nobody: 1 });
  const other = await chat.request('v4/im_open_login_svc/account_check', { CheckItem: [{ UserID: 'bob' }] });
  const anything: unknown = other['ResultItem'];
  void anything;
}

export function errors(error: unknown): void {
  if (!(error instanceof ChatApiError)) return;
  // code: the document's codes and the transport codes (completed by editors), or any other number.
  const codes: ChatErrorCode[] = [70001, 60007, TransportCode.timeout, 'REPLY_TOO_LARGE', 123456];
  // @ts-expect-error not a transport code
  const wrong: ChatErrorCode = 'TIMEOUTS';
  const operation: OperationId | (string & {}) = error.operation;
  if (error.code === 70001 || error.code === 'TIMEOUT') void error.info;
  // @ts-expect-error the error is readonly
  error.code = 1;
  // @ts-expect-error the error is readonly
  error.attempts = 2;
  void [codes, wrong, operation];
}
