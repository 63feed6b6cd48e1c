// client.paginate: the cursor goes out, the reply's cursor comes back, until the document's "done" condition; pages
// are fetched lazily; 64-bit cursors keep every digit; a cursor that does not advance is an error, not a loop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestOf } from '../../src/types.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { reply, startFakeUpstream, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import { countingFetch, flushIo, makeClient, realDelay, rejection } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

/** A getAppGroups page written as raw JSON, so the cursor goes out with exactly these digits. */
function groupsPage(next: string, ids: string[]): ReturnType<typeof reply.raw> {
  const list = JSON.stringify(ids.map((GroupId) => ({ GroupId })));
  return reply.raw(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","TotalCount":7,"GroupIdList":${list},"Next":${next}}`);
}

/** The Next cursor of a recorded request, as the digits in its raw body. */
function sentNext(request: RecordedRequest | undefined): string | undefined {
  return /"Next":(\d+)/.exec(request?.rawBody ?? '')?.[1];
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('getAppGroups (Next → Next, done at Next 0)', () => {
  it('walks 3 pages, starting at Next 0 when the caller gave none, and stops at Next 0', async () => {
    fake.replySequence(groupsPage('1001', ['@a', '@b']), groupsPage('2002', ['@c', '@d']), groupsPage('0', ['@e']));
    const client = makeClient(fake);
    // The schema makes Next optional; the generated type asks for it, so the cast stands for a caller leaving it out.
    const pages = await collect(client.paginate('getAppGroups', { Limit: 2 } as RequestOf<'getAppGroups'>));

    expect(pages.map((page) => page.GroupIdList?.map((group) => group.GroupId))).toEqual([['@a', '@b'], ['@c', '@d'], ['@e']]);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((request) => request.json())).toEqual([
      { Limit: 2, Next: 0 },
      { Limit: 2, Next: 1001 },
      { Limit: 2, Next: 2002 },
    ]);
    expect(sentNext(fake.requests[0])).toBe('0');
  });

  it('starts from the cursor the caller gave', async () => {
    fake.replySequence(groupsPage('0', ['@z']));
    await collect(makeClient(fake).paginate('getAppGroups', { Limit: 5, Next: 777, GroupType: 'Public' }));
    expect(fake.requests.map((request) => request.json())).toEqual([{ Limit: 5, Next: 777, GroupType: 'Public' }]);
  });

  it('a first page with Next 0 is the only page', async () => {
    fake.replySequence(groupsPage('0', []));
    const pages = await collect(makeClient(fake).paginate('getAppGroups', { Limit: 5, Next: 0 }));
    expect(pages).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('fetches lazily with readAhead 0: breaking after the first page sends no further request', async () => {
    fake.replySequence(groupsPage('1', ['@a']), groupsPage('2', ['@b']), groupsPage('0', ['@c']));
    const wire = countingFetch();
    const iterable = makeClient(fake, { fetch: wire.fetch }).paginate('getAppGroups', { Limit: 1, Next: 0 }, { readAhead: 0 });
    await flushIo();
    expect(wire.count()).toBe(0); // nothing before the loop asks
    for await (const page of iterable) {
      expect(page.GroupIdList).toEqual([{ GroupId: '@a' }]);
      break;
    }
    await flushIo();
    expect(wire.count()).toBe(1);
  });

  it('with readAhead 0, fetches the next page only when the loop asks for it', async () => {
    fake.replySequence(groupsPage('1', ['@a']), groupsPage('2', ['@b']), groupsPage('0', ['@c']));
    const wire = countingFetch();
    const iterator = makeClient(fake, { fetch: wire.fetch }).paginate('getAppGroups', { Limit: 1, Next: 0 }, { readAhead: 0 })[Symbol.asyncIterator]();
    await iterator.next();
    await flushIo();
    expect(wire.count()).toBe(1);
    await iterator.next();
    await flushIo();
    expect(wire.count()).toBe(2);
    await iterator.return?.();
  });

  it('carries 64-bit cursors on and above 2^53 with every digit, never rounded', async () => {
    const cursors = ['9007199254740990', '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551615'];
    fake.replySequence(...cursors.map((next, i) => groupsPage(next, [`@g${i}`])), groupsPage('0', ['@last']));
    const pages = await collect(makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 }));

    expect(fake.requests.map(sentNext)).toEqual(['0', ...cursors]);
    // Each cursor as the caller sees it is a decimal string with the digits the server sent, whatever its size.
    expect(pages.map((page) => page.Next)).toEqual([...cursors, '0']);
  });

  it('rejects when Next does not advance, instead of asking for the same page for ever', async () => {
    fake.replySequence(groupsPage('500', ['@a']), groupsPage('500', ['@a']), groupsPage('0', []));
    const pages: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const page of makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 })) pages.push(page);
      })(),
    );
    expect(error).toMatchObject({ code: TransportCode.invalidReply, operation: 'getAppGroups', retryable: false });
    expect(error.message).toMatch(/did not advance/);
    // The replayed page is refused before it reaches the loop.
    expect(pages).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects when an unsafe cursor does not advance either (compared by its digits)', async () => {
    fake.replySequence(groupsPage('9007199254740993', ['@a']), groupsPage('9007199254740993', ['@a']));
    const error = await rejection(collect(makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 })));
    expect(error.code).toBe(TransportCode.invalidReply);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects when Next is missing and the page is not the last', async () => {
    fake.replySequence(reply.ok({ GroupIdList: [] }));
    const error = await rejection(collect(makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 })));
    expect(error).toMatchObject({ code: TransportCode.invalidReply });
    expect(error.message).toMatch(/missing/);
    expect(fake.requests).toHaveLength(1);
  });

  it('a failing page rejects the loop after the pages before it were delivered', async () => {
    fake.replySequence(groupsPage('9', ['@a']), reply.fail(10004, 'bad GroupType'));
    const seen: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const page of makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 })) seen.push(page);
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ code: 10004, operation: 'getAppGroups', attempts: 1 });
  });

  it('each page is retried on its own', async () => {
    fake.replySequence(groupsPage('9', ['@a']), reply.html(502), groupsPage('0', ['@b']));
    const pages = await collect(makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 }));
    expect(pages).toHaveLength(2);
    expect(fake.requests.map(sentNext)).toEqual(['0', '9', '9']);
  });
});

describe('getConversationGroupMarks (StartIndex → NextStartIndex, done at CompleteFlag 1)', () => {
  it('starts at StartIndex 0, follows NextStartIndex, stops at CompleteFlag 1', async () => {
    fake.replySequence(
      reply.ok({ CompleteFlag: 0, NextStartIndex: 100, ContactItem: [{ Type: 1, To_Account: 'bob' }] }),
      reply.ok({ CompleteFlag: 0, NextStartIndex: 200, ContactItem: [{ Type: 2, ToGroupId: '@g' }] }),
      reply.ok({ CompleteFlag: 1, NextStartIndex: 0, ContactItem: [] }),
      reply.ok({ CompleteFlag: 1 }),
    );
    const pages = await collect(makeClient(fake).paginate('getConversationGroupMarks', { From_Account: 'alice', StartIndex: 0 }));
    expect(pages).toHaveLength(3);
    expect(fake.requests.map((request) => request.json())).toEqual([
      { From_Account: 'alice', StartIndex: 0 },
      { From_Account: 'alice', StartIndex: 100 },
      { From_Account: 'alice', StartIndex: 200 },
    ]);
    expect(pages.flatMap((page) => page.ContactItem ?? [])).toEqual([
      { Type: 1, To_Account: 'bob' },
      { Type: 2, ToGroupId: '@g' },
    ]);
  });

  it('rejects when NextStartIndex repeats the StartIndex just sent', async () => {
    fake.replySequence(reply.ok({ CompleteFlag: 0, NextStartIndex: 50 }), reply.ok({ CompleteFlag: 0, NextStartIndex: 50 }));
    const error = await rejection(collect(makeClient(fake).paginate('getConversationGroupMarks', { From_Account: 'alice', StartIndex: 0 })));
    expect(error).toMatchObject({ code: TransportCode.invalidReply, operation: 'getConversationGroupMarks' });
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects when CompleteFlag is 0 and NextStartIndex is missing', async () => {
    fake.replySequence(reply.ok({ CompleteFlag: 0 }));
    const error = await rejection(collect(makeClient(fake).paginate('getConversationGroupMarks', { From_Account: 'alice', StartIndex: 0 })));
    expect(error.code).toBe(TransportCode.invalidReply);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('paginate’s own checks', () => {
  it('refuses an operation that is not paged', () => {
    const client = makeClient(fake);
    const paginate = client.paginate as (operation: string, body: unknown) => AsyncIterable<unknown>;
    expect(() => paginate('getFriendLists', { From_Account: 'a' })).toThrow(TypeError);
  });

  it('validates the body before the first page: nothing is sent', async () => {
    const error = await rejection(collect(makeClient(fake).paginate('getAppGroups', { Limit: 0, Next: 0 })));
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error.code).toBe(TransportCode.invalidRequest);
    expect(error.message).toContain('Limit');
    expect(fake.requests).toHaveLength(0);
  });

  it('passes the signal to every page', async () => {
    fake.replySequence(groupsPage('9', ['@a']), reply.hang());
    const controller = new AbortController();
    const iterator = makeClient(fake).paginate('getAppGroups', { Limit: 1, Next: 0 }, { signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    const second = iterator.next();
    await fake.waitForRequests(2);
    controller.abort();
    const error = await rejection(second);
    expect(error.code).toBe(TransportCode.aborted);
    expect(fake.requests).toHaveLength(2);
  });
});
