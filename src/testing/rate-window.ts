// The vendor's per-API frequency limit as the fake enforces it: a sliding one-second window of arrivals. A request
// is admitted when fewer than `limit` requests were admitted in the second before it arrived; the others are refused
// (and, like on the server, a refused request takes no place in the window).

export interface SlidingWindow {
  /** Admits or refuses a request arriving at `nowMs`. */
  admit(nowMs: number): boolean;
}

const WINDOW_MS = 1000;

export function slidingWindow(limit: number): SlidingWindow {
  // Arrival times of admitted requests, oldest first; `head` skips the expired ones without shifting the array.
  let arrivals: number[] = [];
  let head = 0;
  return {
    admit(nowMs) {
      while (head < arrivals.length && (arrivals[head] as number) <= nowMs - WINDOW_MS) head += 1;
      if (head > 1024 && head * 2 > arrivals.length) {
        arrivals = arrivals.slice(head);
        head = 0;
      }
      if (arrivals.length - head >= limit) return false;
      arrivals.push(nowMs);
      return true;
    },
  };
}
