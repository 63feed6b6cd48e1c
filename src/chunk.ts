// Splits an operation whose request list the vendor wants short (x-chunking: getSpecifiedFriends' To_Account, at most
// 100 per call) into several calls and merges the replies' lists in request order. How many chunks are in flight
// follows the operation's rate: rate × round trip keeps the pacer — not a fixed number of parallel calls — setting the
// speed, with headroom for jitter, up to an explicit cap. A failed chunk either fails the whole call (the default,
// loud) or, when the caller asks to collect failures, is listed with its items and error beside the merged reply.
import { operations, type OperationId } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';
import type { ChunkFailures, FailedChunk } from './types.js';

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

// In flight beyond rate × round trip: covers jitter of the round trip, so the pacer never waits for a free slot.
const HEADROOM = 1.5;
// The round trip concurrency is sized by is at most this many times the path's least one (BBR keeps at most 2 × its
// bandwidth-delay product in flight): a round trip inflated by queueing would otherwise raise the concurrency, which
// queues more, until the cap is out at once — as 16 processes on two cores did, refused for 3/4 of their calls.
const QUEUE_GAIN = 2;
// Chunks out before the first reply has measured the round trip (TCP's initial window, RFC 6928): enough to keep a
// 50 ms path busy at the documented 200/s, and few enough that instances started together do not each send their
// whole split call into the server's first window before one answer says how full it is.
const INITIAL_WINDOW = 10;
// Under a shared quota the one schedule spaces every instance's sends, so before its first reply a split call keeps
// the lane's rate busy for a first round trip this long (the vendor's paths are 30–200 ms, and the first reply also
// waits for a new connection's handshake), and the shared quota's bookings share the slots between instances. With
// INITIAL_WINDOW alone, an instance that joined a lane at 150 ms (one every 500 ms) had 11 chunks out for its first
// 300 ms while the instance before it ran out of work, and the lane went half unused.
const SHARED_FIRST_ROUND_TRIP_MS = 200;

/** What chunkConcurrency reads of an operation's round trip (a RoundTripMeter). */
export interface MeasuredRoundTrip {
  readonly ms: number | undefined;
  readonly leastMs: number | undefined;
}

const inFlight = (rate: number, roundTripMs: number): number => Math.ceil((rate * roundTripMs * HEADROOM) / 1000) + 1;

/**
 * Chunks to keep in flight: rate × round trip with headroom, at least 1, at most `cap`; the round trip is the
 * smoothed one, at most QUEUE_GAIN × the path's least. Before the first reply it is INITIAL_WINDOW, or, under a
 * shared quota (`sharedRate`, the lane's rate for all instances), that rate × SHARED_FIRST_ROUND_TRIP_MS with
 * headroom when more (at most `cap`). Without a rate limit it is `cap`: the server takes what it is sent.
 */
export function chunkConcurrency(rate: number | null, roundTrip: MeasuredRoundTrip, cap: number, sharedRate?: number): number {
  if (rate === null) return cap;
  const smoothed = roundTrip.ms;
  if (smoothed === undefined) {
    const first = sharedRate === undefined ? INITIAL_WINDOW : Math.max(INITIAL_WINDOW, inFlight(sharedRate, SHARED_FIRST_ROUND_TRIP_MS));
    return Math.min(cap, first);
  }
  const sizing = Math.min(smoothed, QUEUE_GAIN * (roundTrip.leastMs ?? smoothed));
  return Math.max(1, Math.min(cap, inFlight(rate, sizing)));
}

function describeItems(items: readonly unknown[]): string {
  const shown = items.slice(0, 3).map(String).join(', ');
  return items.length > 3 ? `${shown}, … ${String(items.at(-1))} (${items.length} in all)` : shown;
}

function chunkError(error: ChatApiError, plan: ChunkPlan, index: number, chunks: readonly unknown[][]): ChatApiError {
  const items = chunks[index] as unknown[];
  const where = `chunk ${index + 1} of ${chunks.length}, ${plan.field} ${describeItems(items)}`;
  return error.with({ message: `${error.message} [${where}]`, cause: error, chunk: { index, count: chunks.length, items } });
}

export interface ChunkRun {
  signal?: AbortSignal | undefined;
  /** How many chunks may be in flight; asked before each start, so it follows the current rate and round trip. */
  concurrency: () => number;
  failures: ChunkFailures;
}

/** Runs one call per chunk and merges the replies in request order. */
export function callInChunks(
  operation: OperationId,
  plan: ChunkPlan,
  body: Record<string, unknown>,
  run: ChunkRun,
  call: (body: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const { signal } = run;
  const items = body[plan.field] as readonly unknown[];
  const chunks: unknown[][] = [];
  for (let start = 0; start < items.length; start += plan.size) chunks.push(items.slice(start, start + plan.size));
  const replies: (Record<string, unknown> | undefined)[] = new Array(chunks.length);
  const failed: FailedChunk[] = [];
  // Each chunk in flight has its own signal, aborted from here: one shared signal would collect a listener per chunk
  // in flight (more than EventTarget's warning threshold of 10), and the caller's signal gets only one listener.
  const live = new Set<AbortController>();
  let stopped: { reason: unknown } | undefined;
  const stop = (reason?: unknown): void => {
    stopped ??= { reason };
    for (const controller of live) controller.abort(reason);
  };

  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let settled = false;
    const onAbort = (): void => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        stop();
        reject(error);
        return;
      }
      const done = replies.filter((reply): reply is Record<string, unknown> => reply !== undefined);
      if (done.length === 0) {
        reject((failed[0] as FailedChunk).error);
        return;
      }
      resolve(merge(plan, done, run.failures === 'collect' ? failed.sort((a, b) => a.index - b.index) : undefined));
    };

    const launch = (): void => {
      while (!settled && stopped === undefined && next < chunks.length && running < Math.max(1, run.concurrency())) {
        const index = next++;
        running += 1;
        const controller = new AbortController();
        live.add(controller);
        call({ ...body, [plan.field]: chunks[index] }, controller.signal).then(
          (reply) => {
            replies[index] = reply;
          },
          (error: unknown) => {
            // A caller's abort, or a bug, is never a chunk failure to collect.
            if (!(error instanceof ChatApiError) || error.code === TransportCode.aborted || run.failures === 'reject') {
              finish(error instanceof ChatApiError ? chunkError(error, plan, index, chunks) : error);
              return;
            }
            failed.push({ index, items: chunks[index] as unknown[], error: chunkError(error, plan, index, chunks) });
          },
        ).finally(() => {
          live.delete(controller);
          running -= 1;
          if (running === 0 && next === chunks.length) finish();
          else launch();
        });
      }
    };
    launch();
  });
}

function merge(plan: ChunkPlan, replies: readonly Record<string, unknown>[], failed: FailedChunk[] | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...replies[0] };
  for (const field of plan.merge) {
    const lists = replies.map((reply) => reply[field]).filter((list): list is unknown[] => Array.isArray(list));
    if (lists.length > 0) merged[field] = lists.flat();
    else delete merged[field];
  }
  if (failed) merged['failedChunks'] = failed;
  return merged;
}
