// The client's onDrift option on the fake vendor made to answer with drifted replies: the calls succeed, each
// drifted reply is reported with its operation, attempt and findings, and no report carries the usersig.
import { describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/client.js';
import type { DriftReport } from '../../src/drift/watch.js';
import { createFakeVendor } from '../../src/testing/index.js';

function setup() {
  const fake = createFakeVendor({ rateLimit: false, dataset: { accounts: ['alice', 'bob'], friends: { alice: { bob: {} } } } });
  const usersigs: string[] = [];
  const fetch = async (request: Request) => {
    usersigs.push(new URL(request.url).searchParams.get('usersig') ?? '');
    return fake.fetch(request);
  };
  const reports: DriftReport[] = [];
  const chat = createChatClient({ ...fake.clientOptions(), fetch, rateLimit: false, onDrift: (report) => reports.push(report) });
  return { fake, chat, reports, usersigs };
}

const drifted = (body: Record<string, unknown>) => ({ httpStatus: 200, body: JSON.stringify(body), contentType: 'application/json' });

describe('onDrift', () => {
  it('reports nothing for the fake\'s own replies, which follow the document', async () => {
    const { chat, reports } = setup();
    await chat.getFriendLists({ From_Account: 'alice' });
    await chat.getAppGroups({});
    expect(reports).toEqual([]);
  });

  it('reports a drifted reply without failing the call, and without the usersig even when the reply echoes it', async () => {
    const { fake, chat, reports, usersigs } = setup();
    fake.inject('getFriendLists', drifted({
      ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ErrorDisplay: '',
      ResultItem: [{ GroupName: 'g1', FriendNumber: '1', Labels: ['x'] }],
      RequestUrl: 'placeholder',
    }));
    const reply = await chat.getFriendLists({ From_Account: 'alice' });
    expect(reply.ResultItem?.[0]?.GroupName).toBe('g1');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ operation: 'getFriendLists', path: '/v4/sns/group_get', attempt: 1, errorCode: 0 });
    expect(reports[0]!.findings).toEqual([
      { path: 'ResultItem[0].FriendNumber', kind: 'type', expected: 'integer', actual: 'string' },
      { path: 'ResultItem[0].Labels', kind: 'unknown-field', expected: 'a documented field', actual: 'array' },
      { path: 'RequestUrl', kind: 'unknown-field', expected: 'a documented field', actual: 'string' },
      { path: 'CurrentSequence', kind: 'missing-field', expected: 'present (in every successful example)', actual: 'absent' },
    ]);
    const text = JSON.stringify(reports);
    expect(usersigs[0]!.length).toBeGreaterThan(20);
    expect(text).not.toContain(usersigs[0]!);
    expect(text).not.toContain('usersig');
  });

  it('reports a drifted FAIL envelope\'s envelope fields, and the call fails as it would without the option', async () => {
    const { fake, chat, reports } = setup();
    fake.inject('getAppGroups', drifted({ ActionStatus: 'ERROR', ErrorCode: 10004, ErrorInfo: 'bad', TraceId: 'abc' }));
    await expect(chat.getAppGroups({})).rejects.toMatchObject({ code: 10004 });
    expect(reports.map((r) => r.findings)).toEqual([[
      { path: 'ActionStatus', kind: 'enum', expected: 'one of "OK", "FAIL"', actual: '"ERROR"' },
      { path: 'TraceId', kind: 'unknown-field', expected: 'a documented field', actual: 'string' },
    ]]);
  });

  it('keeps the call going when the listener throws', async () => {
    const fake = createFakeVendor({ rateLimit: false });
    fake.inject('getAppGroups', drifted({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', TotalCount: 0, GroupIdList: [], Next: 0, Extra: 1 }));
    const chat = createChatClient({ ...fake.clientOptions(), rateLimit: false, onDrift: () => { throw new Error('listener broke'); } });
    await expect(chat.getAppGroups({})).resolves.toMatchObject({ TotalCount: 0 });
  });

  it('refuses an onDrift that is not a function, naming the option', () => {
    const fake = createFakeVendor();
    expect(() => createChatClient({ ...fake.clientOptions(), onDrift: 'log' as never })).toThrow(/options\.onDrift must be a function/);
  });
});
