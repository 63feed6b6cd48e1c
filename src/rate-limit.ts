// Calls beyond an operation's rate limit wait their turn, first come first served; none fails and none is dropped.
// A call starts only when fewer than `limit` calls started in the last second, checked at the moment it starts against
// the times calls actually started, so timers that fire late (a blocked event loop) cannot let a burst through and no
// one-second window ever starts more calls than the limit. The clock is monotonic (performance.now), so a system
// clock change neither stalls nor bunches calls. A caller's signal takes a waiting call out of the line at once.

export type Scheduler = <T>(task: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

const WINDOW_MS = 1000;

const immediate: Scheduler = (task) => task();

export function rateLimiter(callsPerSecond: number | null): Scheduler {
  if (callsPerSecond === null) return immediate;
  const limit = callsPerSecond;
  /** Start times of the last `limit` calls, oldest first. */
  const started: number[] = [];
  /** Waiting calls, in arrival order. Whenever it is not empty, a timer is set to start its head. */
  const waiting: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pump = (): void => {
    timer = undefined;
    while (waiting.length > 0) {
      const now = performance.now();
      if (started.length >= limit) {
        const wait = (started[0] as number) + WINDOW_MS - now;
        if (wait > 0) {
          timer = setTimeout(pump, Math.ceil(wait));
          return;
        }
        started.shift();
      }
      started.push(now);
      (waiting.shift() as () => void)();
    }
  };

  return <T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        const index = waiting.indexOf(start);
        if (index !== -1) waiting.splice(index, 1);
        reject(signal?.reason);
      };
      const start = (): void => {
        signal?.removeEventListener('abort', onAbort);
        try {
          task().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      };
      waiting.push(start);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timer === undefined) pump();
    });
}
