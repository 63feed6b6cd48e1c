// How long the server takes to answer one operation, as seen from the client: a moving average of the time from
// handing a request to fetch until its reply is read. Split calls size their concurrency from it (rate × round trip).

export interface RoundTripMeter {
  /** Records one round trip, in ms. */
  observe(ms: number): void;
  /** The smoothed round trip in ms, or undefined before the first reply. */
  readonly ms: number | undefined;
}

/** Exponentially weighted; `weight` is the share of each new sample (default 0.2, about the last ten replies). */
export function roundTripMeter(weight = 0.2): RoundTripMeter {
  let average: number | undefined;
  return {
    observe(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0) return;
      average = average === undefined ? ms : average + weight * (ms - average);
    },
    get ms(): number | undefined {
      return average;
    },
  };
}
