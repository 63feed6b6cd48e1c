// The loopback stand-in for the TIM host that the runtime matrix talks to: scripted replies for the scenarios in
// consumer/scenarios.mjs (pages with a cursor beyond 2^53, one 503, one 70001, one unknown account), and every
// usersig checked against the secret key, so a runtime that signs wrongly fails here.
import { verifyUserSig } from '../../src/user-sig.js';
import { reply, startFakeUpstream, type FakeUpstream, type RecordedRequest, type Reply } from '../client/fake-upstream.js';

export const SDK_APP_ID = 1400000000;
export const IDENTIFIER = 'administrator';
/** Beyond 2^53 and the largest unsigned 64-bit value: a runtime that reads it as a double sends back other digits. */
export const BIG_CURSOR = '18446744073709551615';

export interface MatrixUpstream {
  upstream: FakeUpstream;
  /** Usersigs that did not verify, with the reason. */
  badSigs: string[];
  /** The `Next` of each get_appid_group_list request, as its digits on the wire (absent: ''). */
  cursorsSent: string[];
}

function onceEach(): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => (seen.has(key) ? false : (seen.add(key), true));
}

export async function startMatrixUpstream(secretKey: string): Promise<MatrixUpstream> {
  const badSigs: string[] = [];
  const cursorsSent: string[] = [];
  const first = onceEach();

  const answer = async (request: RecordedRequest): Promise<Reply> => {
    const verdict = await verifyUserSig(request.query['usersig'] ?? '', { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey });
    if (!verdict.ok) {
      badSigs.push(verdict.reason);
      return reply.fail(70003, 'usersig invalid');
    }
    const body = request.json() as Record<string, unknown>;
    switch (request.path) {
      case '/v4/sns/group_get': {
        const account = String(body['From_Account']);
        if (account === 'nobody') return reply.fail(30003, 'Err_SNS_GroupGet_Account_Not_Exist');
        if (account === 'flaky' && first('flaky')) return reply.html(503, 'Service Unavailable');
        if (account === 'expired-once' && first('expired')) return reply.fail(70001, 'UserSig expired');
        return reply.ok({ ResultItem: [{ GroupName: 'family', FriendNumber: 2, To_Account: ['a', 'b'] }, { GroupName: 'work', FriendNumber: 0 }], CurrentSequence: 7 });
      }
      case '/v4/sns/friend_get_list': {
        const to = body['To_Account'] as string[];
        const InfoItem = to.map((account) => ({ To_Account: account, SnsProfileItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: `remark of ${account}` }], ResultCode: 0, ResultInfo: '' }));
        return reply.ok({ InfoItem, Fail_Account: [] });
      }
      case '/v4/group_open_http_svc/get_appid_group_list': {
        // Digits as sent: JSON.parse would round a cursor beyond 2^53.
        const next = /"Next"\s*:\s*"?(\d+)/.exec(request.rawBody)?.[1] ?? '';
        cursorsSent.push(next);
        if (next === BIG_CURSOR) return reply.raw(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":3,"GroupIdList":[{"GroupId":"@TGS#3"}],"Next":0}`);
        return reply.raw(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":3,"GroupIdList":[{"GroupId":"@TGS#1"},{"GroupId":"@TGS#2"}],"Next":${BIG_CURSOR}}`);
      }
      case '/v4/recentcontact/get_contact_group': {
        const start = Number(body['StartIndex']);
        const done = start >= 1;
        return reply.ok({
          ContactItem: [{ Type: 1, To_Account: `peer${start}`, StandardMark: '1', ContactGroupId: [start + 1], Timestamp: 1672998266 }],
          GroupItem: [{ GroupName: `marks${start}`, GroupId: start + 1 }],
          CompleteFlag: done ? 1 : 0,
          NextStartIndex: done ? 0 : start + 1,
        });
      }
      default:
        return reply.raw('not found', 404, 'text/plain');
    }
  };
  return { upstream: await startFakeUpstream(answer), badSigs, cursorsSent };
}
