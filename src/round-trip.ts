// How long the server takes to answer one operation, as seen from the client: a moving average of the time from
// handing a request to fetch until its reply is read, and the least of the last 10 s. Split calls size their
// concurrency from it (rate × round trip); the pacer ends a hold after a refusal early by half the least.

export interface RoundTripMeter {
  /** Records one round trip, in ms. */
  observe(ms: number): void;
  /** The smoothed round trip in ms, or undefined before the first reply. */
  readonly ms: number | undefined;
  /**
   * The path's round trip: the least observed since it was last set, where one set more than 10 s ago gives way to
   * the next sample (as BBR's min_rtt expires), or undefined before the first reply. Above it, a round trip is time
   * queued (at a busy server, or in this process's own busy event loop).
   */
  readonly leastMs: number | undefined;
}

/** Exponentially weighted; `weight` is the share of each new sample (default 0.2, about the last ten replies). */
export function roundTripMeter(weight = 0.2, now: () => number = () => performance.now()): RoundTripMeter {
  let average: number | undefined;
  let least: number | undefined;
  let leastAt = -Infinity;
  return {
    observe(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0) return;
      average = average === undefined ? ms : average + weight * (ms - average);
      const at = now();
      if (least === undefined || ms <= least || at - leastAt > LEAST_FOR_MS) {
        least = ms;
        leastAt = at;
      }
    },
    get ms(): number | undefined {
      return average;
    },
    get leastMs(): number | undefined {
      return least;
    },
  };
}

// How long a least round trip stands for the path: long enough to span a burst of queued replies, short enough that a
// path that got longer (a failover to a farther region) is learned within seconds.
const LEAST_FOR_MS = 10_000;
