// A short tour of the client: all four operations, pagination, a per-friend failure and a business failure.
// `npm start` runs it against the built-in mock (Prism on the bundled description); with TIM_SDKAPPID,
// TIM_IDENTIFIER and TIM_SECRET_KEY set (and optionally TIM_REGION or TIM_BASE_URL, TIM_FROM_ACCOUNT) it runs against
// the real service. A failure ends it with one line on stderr and exit status 1 (the stack with TIM_DEBUG=1).
import {
  createChatClient, defaultRegion, regions, ChatApiError,
  type CallOptions, type ChatClient, type ChatClientOptions, type Region,
} from '../src/index.js';
import { DEBUG_VARIABLE, failureLine } from './failure-line.js';

const env = process.env;
const real = Boolean(env['TIM_SDKAPPID'] && env['TIM_IDENTIFIER'] && env['TIM_SECRET_KEY']);

function clientOptions(): ChatClientOptions {
  if (real) {
    // Both passed as given: the client refuses a region combined with a base URL, naming them.
    return {
      sdkAppId: Number(env['TIM_SDKAPPID']),
      identifier: env['TIM_IDENTIFIER'] as string,
      secretKey: env['TIM_SECRET_KEY'] as string,
      ...(env['TIM_REGION'] ? { region: env['TIM_REGION'] as Region } : {}),
      ...(env['TIM_BASE_URL'] ? { baseUrl: env['TIM_BASE_URL'] } : {}),
    };
  }
  const baseUrl = env['TIM_BASE_URL'];
  if (!baseUrl) throw new Error('Run the tour with `npm start` (it starts the mock), or set TIM_SDKAPPID, TIM_IDENTIFIER and TIM_SECRET_KEY.');
  // The mock checks the shape of the five auth parameters, not the signature, so any key will do here.
  return { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'tour-demo-key-not-a-secret', baseUrl };
}

/** The host the client sends to, for the failure line; the client itself checks the options. */
function hostOf(options: ChatClientOptions): string {
  if (options.baseUrl !== undefined) return URL.canParse(options.baseUrl) ? new URL(options.baseUrl).host : options.baseUrl;
  return regions[options.region ?? defaultRegion] ?? `region ${String(options.region)}`;
}

/** On the mock, picks one of the document's named reply examples; the real service ignores the header. */
const mockExample = (name: string): CallOptions => (real ? {} : { headers: { Prefer: `example=${name}` } });

const me = env['TIM_FROM_ACCOUNT'] ?? (real ? (env['TIM_IDENTIFIER'] as string) : 'id');
const line = (text = ''): void => console.log(text);

async function tour(client: ChatClient, host: string): Promise<void> {
  line(`Tour of the Tencent Cloud Chat client against ${real ? `the real service (${host})` : 'the built-in mock'}\n`);

  line('1. getFriendLists: the friend lists of an account, with the friends in each');
  const lists = await client.getFriendLists({ From_Account: me, NeedFriend: 'Need_Friend_Type_Yes' }, mockExample('complete'));
  for (const list of lists.ResultItem ?? []) {
    line(`   ${list.GroupName}: ${list.FriendNumber ?? 0} friend(s)${list.To_Account ? ` — ${list.To_Account.join(', ')}` : ''}`);
  }
  line(`   CurrentSequence ${String(lists.CurrentSequence)}\n`);

  line('2. getSpecifiedFriends: fields of three friends; one of them is not a friend (a per-friend failure is data)');
  const friends = await client.getSpecifiedFriends(
    { From_Account: 'UserID_1', To_Account: ['UserID_2', 'UserID_3', 'UserID_4'], TagList: ['Tag_Profile_IM_Nick', 'Tag_SNS_IM_Remark'] },
    mockExample('batch'),
  );
  for (const item of friends.InfoItem ?? []) {
    const fields = (item.SnsProfileItem ?? []).map((field) => `${field.Tag}=${JSON.stringify(field.Value)}`).join(' ');
    line(`   ${item.To_Account}: ${item.ResultCode === 0 ? fields : `failed, ResultCode ${item.ResultCode} ${item.ResultInfo ?? ''}`}`);
  }
  line(`   Fail_Account: ${(friends.Fail_Account ?? []).join(', ') || 'none'}\n`);

  line('3. getAppGroups through paginate: every group of the app, a page at a time');
  let groups = 0;
  let pages = 0;
  for await (const page of client.paginate('getAppGroups', { Limit: 1000 })) {
    pages += 1;
    groups += page.GroupIdList?.length ?? 0;
    line(`   page ${pages}: ${(page.GroupIdList ?? []).map((group) => group.GroupId).join(', ') || '(empty)'} of ${String(page.TotalCount)}; Next ${String(page.Next)}`);
  }
  line(`   ${groups} group(s) in ${pages} page(s)\n`);

  line('4. getConversationGroupMarks through paginate: conversation groups and marks');
  for await (const page of client.paginate('getConversationGroupMarks', { From_Account: me, StartIndex: 0 })) {
    for (const group of page.GroupItem ?? []) line(`   group ${group.GroupId} "${group.GroupName}"`);
    for (const item of page.ContactItem ?? []) {
      const peer = item.Type === 1 ? `user ${item.To_Account}` : `group ${item.ToGroupId}`;
      line(`   ${peer}: mark ${item.StandardMark ?? '-'}, in groups [${(item.ContactGroupId ?? []).join(', ')}]`);
    }
  }
  line();

  line('5. A business failure, caught as ChatApiError');
  try {
    await client.getFriendLists({ From_Account: `no-such-account-${Date.now()}` }, mockExample('failAccountNotFound'));
    line('   (no failure: the account exists)');
  } catch (error) {
    if (!(error instanceof ChatApiError)) throw error;
    line(`   ${error.operation} → ErrorCode ${String(error.code)} "${error.info}" (retryable: ${error.retryable}, attempts: ${error.attempts})`);
  }
  line('\nTour finished.');
}

let host = 'the service';
try {
  const options = clientOptions();
  host = hostOf(options);
  await tour(createChatClient(options), host);
} catch (error) {
  console.error(failureLine(error, host));
  if (env[DEBUG_VARIABLE]) console.error(error);
  process.exitCode = 1;
}
