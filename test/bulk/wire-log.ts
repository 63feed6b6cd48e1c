// Reading what reached the wire: the busiest window of send times.

/** The largest number of times inside any window [t, t + windowMs). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, end = 0; first < sorted.length; first++) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[first] as number) + windowMs) end++;
    busiest = Math.max(busiest, end - first);
  }
  return busiest;
}
