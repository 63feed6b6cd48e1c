// Walks a paged operation as the document's x-pagination describes it: the cursor goes out, the reply's cursor comes
// back, until the reply says it was the last page.
//
// A page is handed to the loop only after its cursor was checked: a cursor that is missing, that could not be sent
// back (not an integer, negative, beyond its range — INVALID_REPLY naming the reply field), or that was already sent
// (the server would replay pages: A → B → A) ends the walk with an error before that page is yielded, so the loop never
// sees a replayed page twice. `maxPages` caps a walk whose server never says "last page".
//
// Read-ahead: while the loop works on page n, page n+1 is already being fetched (`readAhead`, default 1). The cursor of
// page n+1 comes from page n, so requests stay one at a time; read-ahead only overlaps the round trip with the loop's
// work. At most `readAhead` checked pages wait beyond the one the loop holds (bounded memory: each reply is ≤ 1 MB).
// One page ahead is enough to hide the round trip when the loop's work per page is about steady; more helps only a
// loop whose work comes in bursts, at the cost of memory. 0 restores "fetch only when the loop asks".
//
// `summary` (on the walk) counts pages and items and, for an operation whose reply states a total (`total` in
// x-pagination, e.g. TotalCount), the shortfall when the walk ended with fewer items than the last page said: a server
// that skipped a page is otherwise invisible. Items may legitimately be fewer when entries were removed during the walk.
import { operations, type OperationId } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';
import { assertValidRequest } from './validate.js';
import { followSignal } from './attempt-signal.js';
import type { PageWalk, PaginateOptions, WalkSummary } from './types.js';

type Pagination = NonNullable<(typeof operations)[OperationId]['pagination']>;
interface PaginationFacts {
  cursor: { request: string; response: string; start: unknown };
  done: { field: string; equals: unknown };
  items?: string;
  total?: string;
}

/** The operations the document marks as paged. */
export type PagedOperationId = {
  [Op in OperationId]: (typeof operations)[Op]['pagination'] extends null ? never : Op;
}[OperationId];

/** The reply field holding a page's items (x-pagination `items`). */
export type ItemsFieldOf<Op extends PagedOperationId> = (typeof operations)[Op]['pagination'] extends { items: infer Field extends string } ? Field : never;

/** The type of one item of a page's list field. */
export type ListItemOf<Page, Field extends string> = Field extends keyof Page ? (NonNullable<Page[Field]> extends readonly (infer Item)[] ? Item : never) : never;

export function isPaged(operation: OperationId): operation is PagedOperationId {
  return operations[operation].pagination !== null;
}

export const DEFAULT_READ_AHEAD = 1;

function checkOptions(operation: string, options: PaginateOptions): { readAhead: number; maxPages: number } {
  const { readAhead = DEFAULT_READ_AHEAD, maxPages = Number.POSITIVE_INFINITY } = options;
  if (!Number.isSafeInteger(readAhead) || readAhead < 0) throw new TypeError(`paginate(${operation}): options.readAhead must be an integer ≥ 0 (got ${String(readAhead)})`);
  if (maxPages !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(maxPages) || maxPages < 1)) {
    throw new TypeError(`paginate(${operation}): options.maxPages must be a positive integer (got ${String(maxPages)})`);
  }
  return { readAhead, maxPages };
}

const shortValue = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? (Array.isArray(value) ? 'an array' : 'an object') : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
};

/** Equal as JSON numbers: a reply's int64 cursor is a decimal string, the document's `equals` a number. */
const sameNumber = (value: unknown, expected: unknown): boolean =>
  (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') && String(value) === String(expected);

export function paginate<Page extends object, Item = unknown>(
  operation: PagedOperationId,
  body: object,
  call: (body: Record<string, unknown>, signal: AbortSignal) => Promise<Page>,
  options: PaginateOptions = {},
): PageWalk<Page, Item> {
  const facts = operations[operation].pagination as Pagination as PaginationFacts;
  const { readAhead, maxPages } = checkOptions(operation, options);
  const summary: WalkSummary = { pages: 0, items: 0, totalCount: undefined, complete: false, shortfall: 0 };

  const replyError = (info: string): ChatApiError =>
    new ChatApiError(`${operation}: ${info}`, { code: TransportCode.invalidReply, info, operation, retryable: false, attempts: 1 });

  async function* walk(): AsyncGenerator<Page, void, undefined> {
    Object.assign(summary, { pages: 0, items: 0, totalCount: undefined, complete: false, shortfall: 0 });
    const { cursor, done } = facts;
    const given = (body as Record<string, unknown>)[cursor.request];
    let request: Record<string, unknown> = { ...body, [cursor.request]: given ?? cursor.start };
    // The cursors sent so far, in their exact decimal form, with the page each was sent for.
    const sent = new Map<string, number>([[String(assertValidRequest(operation, request)[cursor.request]), 1]]);

    // A walk resumed from a saved cursor sees only the rest of the list: a stated total says nothing about it.
    const fromStart = given === undefined || String(given) === String(cursor.start);
    const stop = new AbortController();
    // The caller's signal gets one listener for the walk, removed when it ends (however many walks share it).
    const caller = options.signal ? followSignal(options.signal) : undefined;
    const signal = caller ? AbortSignal.any([caller.signal, stop.signal]) : stop.signal;
    const ready: Page[] = []; // checked pages not yet handed to the loop
    let fetched = 0;
    let finished = false;
    let failure: { error: unknown } | undefined;
    let inFlight: Promise<void> | undefined;

    /** Fetches the page for `request`, checks its cursor, and queues it (or records why the walk ends). */
    const fetchNext = async (): Promise<void> => {
      try {
        const page = await call(request, signal);
        if (stop.signal.aborted) return;
        fetched += 1;
        const fields = page as Record<string, unknown>;
        if (sameNumber(fields[done.field], done.equals)) {
          ready.push(page);
          finished = true;
          return;
        }
        const next = fields[cursor.response];
        if (next === undefined) throw replyError(`the reply's ${cursor.response} is missing while ${done.field} is not ${String(done.equals)}`);
        const following = { ...request, [cursor.request]: next };
        let key: string;
        try {
          key = String(assertValidRequest(operation, following)[cursor.request]);
        } catch (error) {
          if (!(error instanceof ChatApiError)) throw error;
          throw replyError(`the reply's ${cursor.response} is ${shortValue(next)}, which cannot be sent back as ${cursor.request}: ${error.info}`);
        }
        const earlier = sent.get(key);
        if (earlier !== undefined) {
          throw replyError(
            earlier === fetched
              ? `the reply's ${cursor.response} ${key} did not advance while ${done.field} is not ${String(done.equals)}`
              : `the reply's ${cursor.response} ${key} repeats the cursor sent for page ${earlier}: following it would replay pages`,
          );
        }
        ready.push(page);
        if (fetched >= maxPages) {
          failure = { error: replyError(`not on the last page after ${maxPages} pages (options.maxPages)`) };
          return;
        }
        sent.set(key, fetched + 1);
        request = following;
      } catch (error) {
        failure ??= { error };
      }
    };

    const pump = (wanted: boolean): void => {
      if (inFlight || finished || failure || stop.signal.aborted) return;
      if (!wanted && ready.length >= readAhead) return;
      inFlight = fetchNext().finally(() => {
        inFlight = undefined;
        pump(false);
      });
    };

    try {
      for (;;) {
        const page = ready.shift();
        if (page !== undefined) {
          pump(false); // read ahead while the loop works on this page
          summary.pages += 1;
          const fields = page as Record<string, unknown>;
          const list = facts.items === undefined ? undefined : fields[facts.items];
          if (Array.isArray(list)) summary.items += list.length;
          const total = facts.total === undefined ? undefined : fields[facts.total];
          if (typeof total === 'number') summary.totalCount = total;
          if (ready.length === 0 && finished) {
            summary.complete = true;
            summary.shortfall = summary.totalCount === undefined || !fromStart ? 0 : Math.max(0, summary.totalCount - summary.items);
          }
          yield page;
          continue;
        }
        if (failure) throw failure.error;
        if (finished) return;
        pump(true);
        await inFlight;
      }
    } finally {
      // The loop stopped early (break, throw) or the walk ended: cancel a page being read ahead.
      stop.abort(new Error('the walk ended'));
      caller?.dispose();
    }
  }

  return {
    [Symbol.asyncIterator]: () => walk(),
    items() {
      const field = facts.items;
      if (field === undefined) throw new TypeError(`paginate(${operation}): the document names no items field (x-pagination.items)`);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const page of walk()) {
            const list = (page as Record<string, unknown>)[field];
            if (Array.isArray(list)) yield* list as Item[];
          }
        },
      };
    },
    get summary() {
      return summary;
    },
  };
}
