// Walks a paged operation as the document's x-pagination describes it: the cursor goes out, the reply's cursor comes
// back, until the reply says it was the last page. Each page is fetched only when the consumer asks for it.
import { operations, type OperationId } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';

type Pagination = NonNullable<(typeof operations)[OperationId]['pagination']>;

/** The operations the document marks as paged. */
export type PagedOperationId = {
  [Op in OperationId]: (typeof operations)[Op]['pagination'] extends null ? never : Op;
}[OperationId];

export function isPaged(operation: OperationId): operation is PagedOperationId {
  return operations[operation].pagination !== null;
}

// Cursors may arrive as bigint (above 2^53); 0n and 0 must compare equal.
const sameNumber = (a: unknown, b: unknown): boolean =>
  (typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint') && a == b; // eslint-disable-line eqeqeq

export async function* paginate<Body extends object, Page extends object>(
  operation: PagedOperationId,
  body: Body,
  call: (body: Body) => Promise<Page>,
): AsyncGenerator<Page, void, undefined> {
  const { cursor, done } = operations[operation].pagination as Pagination;
  const given = (body as Record<string, unknown>)[cursor.request];
  let request = { ...body, [cursor.request]: given ?? cursor.start } as Body;
  for (;;) {
    const page = await call(request);
    yield page;
    const fields = page as Record<string, unknown>;
    if (sameNumber(fields[done.field], done.equals)) return;
    const next = fields[cursor.response];
    const sent = (request as Record<string, unknown>)[cursor.request];
    if (next === undefined || sameNumber(next, sent)) {
      // A missing or unchanged cursor would repeat the same page for ever.
      throw new ChatApiError(`${operation}: the reply's ${cursor.response} ${next === undefined ? 'is missing' : 'did not advance'} while ${done.field} is not ${done.equals}`, {
        code: TransportCode.invalidReply, info: `${cursor.response} = ${String(next)}`, operation, retryable: false, attempts: 1,
      });
    }
    request = { ...request, [cursor.request]: next } as Body;
  }
}
