// Split: an operation whose list field the document chunks (x-chunking) is sent as several calls of at most the
// operation's chunk size, each through the rest of the pipeline, and the replies are merged in request order.
import { operations } from '../../generated/api-facts.js';
import { chunkPlan, callInChunks } from '../chunk.js';
import type { CallStage } from './context.js';

export interface SplitOptions {
  /** Overrides every operation's documented chunk size. */
  chunkSize: number | undefined;
  concurrency: number;
}

export function splitStage({ chunkSize, concurrency }: SplitOptions): CallStage {
  return (next) => async (call) => {
    const operation = call.operation;
    const chunking = operation === undefined ? null : operations[operation].chunking;
    if (operation === undefined || chunking === null) return next(call);
    const plan = chunkPlan(operation, chunkSize ?? chunking.size);
    const body = call.body as Record<string, unknown>;
    const items = plan ? body[plan.field] : undefined;
    if (!plan || !Array.isArray(items) || items.length <= plan.size) return next(call);
    return callInChunks(operation, plan, body, concurrency, call.signal, (chunk, signal) => next({ ...call, body: chunk, signal }));
  };
}
