// paginate against a misbehaving server: a cursor is checked before its page is yielded (a replayed page never reaches
// the loop; any repeated cursor ends the walk), a bad cursor is INVALID_REPLY naming the reply field, a page cap, a
// shortfall against TotalCount is reported, the item iterator, and read-ahead with bounded memory — all ordered by
// events (a scripted fetch answered by the test), never by a clock.
import { describe, expect, it } from 'vitest';
import { TransportCode } from '../../src/errors.js';
import { clientOn, okEnvelope, rejectionOf, scriptedFetch, settle, type Exchange } from './scripted-fetch.js';

const groups = (next: string, ids: string[], total = 7): string =>
  okEnvelope(`"TotalCount":${total},"GroupIdList":${JSON.stringify(ids.map((GroupId) => ({ GroupId })))},"Next":${next}`);

/** Answers the n-th request with the n-th reply; beyond the script, a last page. */
const scripted = (...replies: string[]) => scriptedFetch((exchange) => replies[exchange.index] ?? groups('0', []));

async function walk<T>(pages: AsyncIterable<T>): Promise<{ seen: T[]; error: (Error & Record<string, unknown>) | undefined }> {
  const seen: T[] = [];
  const error = await rejectionOf(
    (async () => {
      for await (const page of pages) seen.push(page);
      throw Object.assign(new Error('no error'), { code: 'NONE' });
    })(),
  );
  return { seen, error: error.code === 'NONE' ? undefined : error };
}

describe('cursors are checked before the page is yielded', () => {
  it('A → B → A: the page that points back is not yielded, and nothing more is sent', async () => {
    const fetch = scripted(groups('100', ['@a']), groups('200', ['@b']), groups('100', ['@c']), groups('200', ['@d']));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }));
    expect(seen.map((page) => page.Next)).toEqual(['100', '200']);
    expect(error).toMatchObject({ code: TransportCode.invalidReply, operation: 'getAppGroups', retryable: false });
    expect(error?.message).toMatch(/Next 100 repeats the cursor sent for page 2/);
    expect(fetch.requests).toHaveLength(3);
  });

  it('a cursor that does not advance: the replayed page is not yielded', async () => {
    const fetch = scripted(groups('500', ['@a']), groups('500', ['@a']));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }));
    expect(seen).toHaveLength(1);
    expect(error?.message).toMatch(/did not advance/);
  });

  it('a cursor pointing back at the start (0 is also "last page" for Next, so use StartIndex)', async () => {
    const fetch = scriptedFetch((exchange) =>
      [okEnvelope('"CompleteFlag":0,"NextStartIndex":10,"ContactItem":[]'), okEnvelope('"CompleteFlag":0,"NextStartIndex":0,"ContactItem":[]')][exchange.index] ?? okEnvelope('"CompleteFlag":1'),
    );
    const { seen, error } = await walk(clientOn(fetch).paginate('getConversationGroupMarks', { From_Account: 'alice', StartIndex: 0 }));
    expect(seen).toHaveLength(1);
    expect(error?.message).toMatch(/NextStartIndex 0 repeats the cursor sent for page 1/);
  });

  it.each([
    ['a string that is not digits', '"abc"', /Next is "abc"/],
    ['null', 'null', /Next is null/],
    ['negative', '-3', /Next is -3: below its minimum 0/],
    ['a float', '2.5', /Next is 2\.5/],
    ['an object', '{}', /Next is an object/],
    ['exponent form', '4.454685361e9', /Next is 4\.454685361e9: a number not in plain integer form/],
    ['beyond unsigned 64 bits', '18446744073709551616', /above its maximum/],
  ])('a Next that is %s is INVALID_REPLY naming Next, not INVALID_REQUEST', async (_name, raw, message) => {
    const fetch = scripted(groups('100', ['@a']), groups(raw, ['@b']));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }));
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ code: TransportCode.invalidReply });
    expect(error?.info).toMatch(message);
    expect(error?.message).not.toMatch(/nothing was sent/);
    expect(fetch.requests).toHaveLength(2);
  });

  it.each([
    ['a string', '"10"', /NextStartIndex is "10", which cannot be sent back as StartIndex: StartIndex must be integer/],
    ['negative', '-1', /NextStartIndex is -1, .*StartIndex must be >= 0/],
    ['beyond int32', '2147483648', /NextStartIndex is 2147483648, .*StartIndex must be <= 2147483647/],
    ['a float', '1.5', /NextStartIndex is 1\.5/],
    ['null', 'null', /NextStartIndex is null/],
    ['an object', '{}', /NextStartIndex is an object/],
  ])('a NextStartIndex that is %s is INVALID_REPLY naming NextStartIndex', async (_name, raw, message) => {
    const fetch = scriptedFetch(() => okEnvelope(`"CompleteFlag":0,"NextStartIndex":${raw},"ContactItem":[]`));
    const { seen, error } = await walk(clientOn(fetch).paginate('getConversationGroupMarks', { From_Account: 'alice', StartIndex: 0 }));
    expect(seen).toHaveLength(0);
    expect(error).toMatchObject({ code: TransportCode.invalidReply, operation: 'getConversationGroupMarks' });
    expect(error?.info).toMatch(message);
    expect(fetch.requests).toHaveLength(1);
  });
});

describe('page cap', () => {
  it('maxPages: the walk rejects instead of asking for page maxPages + 1', async () => {
    let n = 0;
    const fetch = scriptedFetch(() => groups(String((n += 1)), [`@${n}`]));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }, { maxPages: 3 }));
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({ code: TransportCode.invalidReply });
    expect(error?.info).toMatch(/not on the last page after 3 pages/);
    expect(fetch.requests).toHaveLength(3);
  });

  it('a walk that ends within the cap is not affected', async () => {
    const fetch = scripted(groups('1', ['@a']), groups('0', ['@b']));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }, { maxPages: 2 }));
    expect(seen).toHaveLength(2);
    expect(error).toBeUndefined();
  });

  it('refuses a nonsense cap or read-ahead up front', () => {
    const client = clientOn(scripted());
    expect(() => client.paginate('getAppGroups', {}, { maxPages: 0 })).toThrow(/maxPages must be a positive integer/);
    expect(() => client.paginate('getAppGroups', {}, { readAhead: -1 })).toThrow(/readAhead must be an integer ≥ 0/);
  });
});

describe('items and the summary', () => {
  it('items() yields every group of every page; summary reports a shortfall against TotalCount', async () => {
    const fetch = scripted(groups('1', ['@a', '@b'], 6), groups('2', ['@c'], 6), groups('0', ['@d'], 6));
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 2 });
    const ids: string[] = [];
    for await (const group of walkOf.items()) ids.push(group.GroupId);
    expect(ids).toEqual(['@a', '@b', '@c', '@d']);
    expect(walkOf.summary).toEqual({ pages: 3, items: 4, totalCount: 6, complete: true, shortfall: 2 });
  });

  it('no shortfall when the walk delivered TotalCount items', async () => {
    const fetch = scripted(groups('1', ['@a'], 2), groups('0', ['@b'], 2));
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 1 });
    for await (const page of walkOf) expect(page.GroupIdList).toHaveLength(1);
    expect(walkOf.summary).toMatchObject({ complete: true, shortfall: 0, items: 2, totalCount: 2 });
  });

  it('a walk resumed from a saved cursor claims no shortfall for the pages before it', async () => {
    const fetch = scripted(groups('3', ['@e', '@f'], 6), groups('0', ['@g'], 6));
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 2, Next: '2' });
    for await (const _page of walkOf) {
      // the pages after the saved cursor
    }
    expect(walkOf.summary).toMatchObject({ pages: 2, items: 3, totalCount: 6, complete: true, shortfall: 0 });
    // The control: the same pages from the start do report what is missing.
    const fromStart = clientOn(scripted(groups('3', ['@e', '@f'], 6), groups('0', ['@g'], 6))).paginate('getAppGroups', { Limit: 2 });
    for await (const _page of fromStart) {
      // every page
    }
    expect(fromStart.summary).toMatchObject({ complete: true, shortfall: 3 });
  });

  it('a walk that stopped early is not complete and claims no shortfall', async () => {
    const fetch = scripted(groups('1', ['@a'], 9), groups('0', ['@b'], 9));
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 1 });
    for await (const _page of walkOf) break;
    expect(walkOf.summary).toMatchObject({ pages: 1, complete: false, shortfall: 0 });
  });

  it('items() of getConversationGroupMarks yields each conversation', async () => {
    const fetch = scriptedFetch((exchange) =>
      exchange.index === 0
        ? okEnvelope('"CompleteFlag":0,"NextStartIndex":2,"ContactItem":[{"Type":1,"To_Account":"bob"},{"Type":2,"ToGroupId":"@g"}]')
        : okEnvelope('"CompleteFlag":1,"NextStartIndex":0,"ContactItem":[{"Type":1,"To_Account":"carol"}]'),
    );
    const items = [];
    for await (const item of clientOn(fetch).paginate('getConversationGroupMarks', { From_Account: 'alice' }).items()) items.push(item);
    expect(items).toEqual([{ Type: 1, To_Account: 'bob' }, { Type: 2, ToGroupId: '@g' }, { Type: 1, To_Account: 'carol' }]);
    expect(JSON.parse(fetch.requests[1]?.body ?? '{}')).toEqual({ From_Account: 'alice', StartIndex: 2 });
  });
});

describe('read-ahead', () => {
  /** A walk over `pages` pages whose replies the test sends itself. */
  function manual(pages: number) {
    const fetch = scriptedFetch();
    const answer = async (index: number): Promise<Exchange> => {
      const exchange = await fetch.request(index);
      exchange.respond(groups(index + 1 < pages ? String(index + 1) : '0', [`@${index}`]));
      return exchange;
    };
    return { fetch, answer };
  }

  it('by default (1), page n + 1 is requested while the loop still holds page n', async () => {
    const { fetch, answer } = manual(3);
    const iterator = clientOn(fetch).paginate('getAppGroups', { Limit: 1 })[Symbol.asyncIterator]();
    const first = iterator.next();
    await answer(0);
    expect((await first).value?.GroupIdList).toEqual([{ GroupId: '@0' }]);
    // The loop has not asked for page 2, yet its request is out.
    const second = await fetch.request(1);
    expect(JSON.parse(second.body)).toEqual({ Limit: 1, Next: 1 });
    await iterator.return?.();
  });

  it('holds at most readAhead pages beyond the one the loop has (positive control: readAhead 3 does fetch more)', async () => {
    for (const [readAhead, expected] of [[2, 3], [3, 4]] as const) {
      const { fetch, answer } = manual(10);
      const iterator = clientOn(fetch).paginate('getAppGroups', { Limit: 1 }, { readAhead })[Symbol.asyncIterator]();
      const first = iterator.next();
      for (let i = 0; i < expected; i++) await answer(i);
      await first;
      await settle();
      // The loop holds page 1; `readAhead` pages wait; no further request went out.
      expect(fetch.requests).toHaveLength(expected);
      expect(fetch.requests.every((request) => request.answered)).toBe(true);
      await iterator.return?.();
    }
  });

  it('requests stay one at a time: each cursor comes from the reply before', async () => {
    const { fetch, answer } = manual(4);
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 1 }, { readAhead: 3 });
    const done = (async () => {
      const seen: unknown[] = [];
      for await (const page of walkOf) seen.push(page.Next);
      return seen;
    })();
    for (let i = 0; i < 4; i++) {
      await answer(i);
      await settle();
      expect(fetch.requests.filter((request) => !request.answered).length).toBeLessThanOrEqual(1);
    }
    expect(await done).toEqual(['1', '2', '3', '0']);
    expect(fetch.requests.map((request) => (JSON.parse(request.body) as { Next: number }).Next)).toEqual([0, 1, 2, 3]);
  });

  it('breaking out of the loop aborts the page being read ahead, without an unhandled rejection', async () => {
    const { fetch, answer } = manual(5);
    const walkOf = clientOn(fetch).paginate('getAppGroups', { Limit: 1 });
    const loop = (async () => {
      for await (const _page of walkOf) break;
    })();
    await answer(0);
    const ahead = await fetch.request(1);
    await loop;
    expect(ahead.signal.aborted).toBe(true);
    await settle();
    expect(fetch.requests).toHaveLength(2);
  });

  it("the caller's abort reaches a page being read ahead", async () => {
    const { fetch, answer } = manual(5);
    const controller = new AbortController();
    const iterator = clientOn(fetch).paginate('getAppGroups', { Limit: 1 }, { signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    await answer(0);
    await first;
    const ahead = await fetch.request(1);
    controller.abort();
    const error = await rejectionOf(iterator.next());
    expect(error).toMatchObject({ code: TransportCode.aborted });
    expect(ahead.signal.aborted).toBe(true);
  });

  it('a failure of a page read ahead reaches the loop after the pages before it', async () => {
    const fetch = scriptedFetch((exchange) => (exchange.index === 0 ? groups('1', ['@a']) : '{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"bad"}'));
    const { seen, error } = await walk(clientOn(fetch).paginate('getAppGroups', { Limit: 1 }));
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ code: 10004 });
  });
});
