// Split: an operation whose list field the document chunks (x-chunking) is sent as several calls of at most the
// operation's chunk size, each through the rest of the pipeline, and the replies are merged in request order. How
// many chunks are in flight follows the operation's rate × measured round trip (src/chunk.ts).
import { operations } from '../../generated/api-facts.js';
import { chunkPlan, callInChunks, chunkConcurrency } from '../chunk.js';
import type { Call, CallStage } from './context.js';
import type { Flow } from './flow.js';
import type { QuotaLane } from '../types.js';

export interface SplitOptions {
  /** Overrides every operation's documented chunk size. */
  chunkSize: number | undefined;
  /** The most chunks in flight at once. */
  maxConcurrency: number;
  flowOf(call: Call): Flow;
  /** The rate the quota grants a lane now (undefined when unknown). */
  rateOf(lane: QuotaLane): number | undefined;
  /** Whether the quota's permits come from one schedule for all instances now (Quota.shared). */
  sharedQuota(): boolean;
}

export function splitStage({ chunkSize, maxConcurrency, flowOf, rateOf, sharedQuota }: SplitOptions): CallStage {
  return (next) => async (call) => {
    const operation = call.operation;
    const chunking = operation === undefined ? null : operations[operation].chunking;
    if (operation === undefined || chunking === null) return next(call);
    const plan = chunkPlan(operation, chunkSize ?? chunking.size);
    const body = call.body as Record<string, unknown>;
    const items = plan ? body[plan.field] : undefined;
    if (!plan || !Array.isArray(items) || items.length <= plan.size) return next(call);
    const flow = flowOf(call);
    // Under a shared quota, until this call's first reply its concurrency is at least the first window of a client
    // that has measured nothing: a round trip measured on warm connections says nothing of this call's first
    // requests, which wait for new connections' handshakes when the last ones closed while the instance was idle
    // (a later job of a long-lived service, as much as the process's first).
    let replied = false;
    const run = {
      signal: call.signal,
      concurrency: () => {
        const lane = flow.lane;
        if (!lane) return chunkConcurrency(null, flow.roundTrip, maxConcurrency);
        const sharedRate = sharedQuota() ? lane.callsPerSecond : undefined;
        const sized = chunkConcurrency(rateOf(lane) ?? lane.callsPerSecond, flow.roundTrip, maxConcurrency, sharedRate);
        if (replied || sharedRate === undefined) return sized;
        return Math.max(sized, chunkConcurrency(sharedRate, { ms: undefined, leastMs: undefined }, maxConcurrency, sharedRate));
      },
      failures: call.chunkFailures,
    };
    const send = async (chunk: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> => {
      try {
        return await next({ ...call, body: chunk, signal });
      } finally {
        replied = true;
      }
    };
    return callInChunks(operation, plan, body, run, send);
  };
}
