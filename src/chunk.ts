// Splits an operation whose request list the vendor wants short (x-chunking: getSpecifiedFriends' To_Account, at most
// 100 per call) into several calls with bounded concurrency, and merges the replies' lists in request order.
import pLimit from 'p-limit';
import { operations, type OperationId } from '../generated/api-facts.js';
import { ChatApiError } from './errors.js';

type Chunking = NonNullable<(typeof operations)[OperationId]['chunking']>;

export interface ChunkPlan {
  field: string;
  size: number;
  merge: readonly string[];
}

export function chunkPlan(operation: OperationId, size: number): ChunkPlan | null {
  const chunking: Chunking | null = operations[operation].chunking;
  return chunking ? { field: chunking.field, size, merge: chunking.merge } : null;
}

function describeItems(items: readonly unknown[]): string {
  const shown = items.slice(0, 3).map(String).join(', ');
  return items.length > 3 ? `${shown}, … ${String(items.at(-1))} (${items.length} in all)` : shown;
}

/** Runs one call per chunk; the first failure aborts the rest and rejects naming the chunk's items. */
export async function callInChunks(
  operation: OperationId,
  plan: ChunkPlan,
  body: Record<string, unknown>,
  concurrency: number,
  signal: AbortSignal | undefined,
  call: (body: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const items = body[plan.field] as readonly unknown[];
  const chunks: unknown[][] = [];
  for (let start = 0; start < items.length; start += plan.size) chunks.push(items.slice(start, start + plan.size));
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const limit = pLimit(concurrency);
  try {
    const replies = await Promise.all(
      chunks.map((chunk, index) =>
        limit(async () => {
          try {
            return await call({ ...body, [plan.field]: chunk }, stop.signal);
          } catch (error) {
            stop.abort();
            if (!(error instanceof ChatApiError)) throw error;
            const where = `chunk ${index + 1} of ${chunks.length}, ${plan.field} ${describeItems(chunk)}`;
            throw new ChatApiError(`${error.message} [${where}]`, {
              code: error.code, info: error.info, display: error.display, operation: error.operation,
              httpStatus: error.httpStatus, retryable: error.retryable, attempts: error.attempts, cause: error,
              chunk: { index, count: chunks.length, items: chunk },
            });
          }
        }),
      ),
    );
    const merged: Record<string, unknown> = { ...replies[0] };
    for (const field of plan.merge) {
      const lists = replies.map((reply) => reply[field]).filter((list): list is unknown[] => Array.isArray(list));
      if (lists.length > 0) merged[field] = lists.flat();
      else delete merged[field];
    }
    return merged;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    limit.clearQueue();
  }
}
