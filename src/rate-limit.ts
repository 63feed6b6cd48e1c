// Calls beyond an operation's rate limit wait their turn; none fails and none is dropped. p-throttle's strict mode
// spaces each call individually, so no one-second window ever starts more calls than the limit.
import pThrottle from 'p-throttle';

export type Scheduler = <T>(task: () => Promise<T>) => Promise<T>;

const immediate: Scheduler = (task) => task();

export function rateLimiter(callsPerSecond: number | null): Scheduler {
  if (callsPerSecond === null) return immediate;
  const throttle = pThrottle({ limit: callsPerSecond, interval: 1000, strict: true });
  const run = throttle(<T>(task: () => Promise<T>) => task());
  return <T>(task: () => Promise<T>) => run(task) as Promise<T>;
}
