// How many permits of a lane one instance may have booked in the shared schedule at once. A take reserves its slot in
// Redis (lane-script.ts), and a reserved slot is kept whatever happens after: a refusal lowers the rate only for the
// slots booked later. Left alone, a split call's chunks in flight (rate × round trip with headroom, up to its cap)
// would book their sends at the current rate in one go; each instance keeps its bookings to about a quarter second of
// its share instead, and its other takes wait here in line, first come first served, leaving the line when their
// signal aborts.

export interface BookingGate {
  /** Resolves once this take may book; rejects with signal.reason when the signal aborts first. */
  enter(signal?: AbortSignal): Promise<void>;
  /** A take that entered has its permit (or gave up). */
  leave(): void;
}

export function createBookingGate(limit: () => number): BookingGate {
  let inside = 0;
  const line: { go: () => void }[] = [];
  const pump = (): void => {
    while (line.length > 0 && inside < limit()) {
      inside++;
      line.shift()?.go();
    }
  };
  return {
    enter(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (line.length === 0 && inside < limit()) {
        inside++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = line.indexOf(waiter);
          if (index !== -1) line.splice(index, 1);
          reject(signal?.reason);
        };
        const waiter = {
          go: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        line.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    leave() {
      inside--;
      pump();
    },
  };
}
