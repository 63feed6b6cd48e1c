// Counters of what the fake vendor answered, for assertions and for the bench.
import { operations, type OperationId } from '../../generated/api-facts.js';

export interface OperationStats {
  requests: number;
  accepted: number;
  rateLimited: number;
}

export interface FakeVendorStats {
  /** Requests that reached the fake (after the inbound delay). */
  requests: number;
  /** Replies with ErrorCode 0. */
  accepted: number;
  /** FAIL replies with the rate-limit code (60007), from the window or scripted. */
  rateLimited: number;
  /** Other FAIL replies. */
  failed: number;
  /** Replies with an HTTP status other than 200. */
  httpErrors: number;
  /** Connections dropped and requests left unanswered on purpose. */
  resets: number;
  hangs: number;
  /** Bytes of reply bodies sent. */
  bytesOut: number;
  /** Requests handed to the fake and not yet answered (latency included), and the most at any time since the start or reset. */
  inFlight: number;
  peakInFlight: number;
  /** Accepted replies per whole second since the fake started (or the counters were reset), by arrival time. */
  acceptedPerSecond: number[];
  byOperation: Record<OperationId, OperationStats>;
}

export interface StatsCounter {
  snapshot(): FakeVendorStats;
  clear(nowMs: number): void;
  request(operation: OperationId | null): void;
  reply(operation: OperationId | null, errorCode: number | null, httpStatus: number, bytes: number, arrivedMs: number, rateLimitCode: number): void;
  dropped(): void;
  hang(): void;
  /** A request handed to the fake, and the same request answered (or given up). */
  enter(): void;
  leave(): void;
}

function emptyStats(): FakeVendorStats {
  const byOperation = Object.fromEntries(
    (Object.keys(operations) as OperationId[]).map((op) => [op, { requests: 0, accepted: 0, rateLimited: 0 }]),
  ) as Record<OperationId, OperationStats>;
  return { requests: 0, accepted: 0, rateLimited: 0, failed: 0, httpErrors: 0, resets: 0, hangs: 0, bytesOut: 0, inFlight: 0, peakInFlight: 0, acceptedPerSecond: [], byOperation };
}

export function statsCounter(startMs: number): StatsCounter {
  let stats = emptyStats();
  let since = startMs;
  return {
    snapshot: () => structuredClone(stats),
    clear(nowMs) {
      const { inFlight } = stats;
      stats = { ...emptyStats(), inFlight, peakInFlight: inFlight };
      since = nowMs;
    },
    request(operation) {
      stats.requests += 1;
      if (operation) stats.byOperation[operation].requests += 1;
    },
    reply(operation, errorCode, httpStatus, bytes, arrivedMs, rateLimitCode) {
      stats.bytesOut += bytes;
      if (httpStatus !== 200) {
        stats.httpErrors += 1;
        return;
      }
      if (errorCode === 0) {
        stats.accepted += 1;
        if (operation) stats.byOperation[operation].accepted += 1;
        const second = Math.max(0, Math.floor((arrivedMs - since) / 1000));
        while (stats.acceptedPerSecond.length <= second) stats.acceptedPerSecond.push(0);
        stats.acceptedPerSecond[second] = (stats.acceptedPerSecond[second] as number) + 1;
      } else if (errorCode === rateLimitCode) {
        stats.rateLimited += 1;
        if (operation) stats.byOperation[operation].rateLimited += 1;
      } else {
        stats.failed += 1;
      }
    },
    dropped() {
      stats.resets += 1;
    },
    hang() {
      stats.hangs += 1;
    },
    enter() {
      stats.inFlight += 1;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    },
    leave() {
      stats.inFlight -= 1;
    },
  };
}
