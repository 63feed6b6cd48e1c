// How many chunks a split call keeps in flight: rate × round trip with headroom, where the round trip is the smoothed
// one but at most twice the path's least (a queue inflates the smoothed one), and a small initial window before any
// reply. The meter's least round trip forgets a value after 10 s, so a path that got longer is learned.
import { describe, expect, it } from 'vitest';
import { chunkConcurrency } from '../../src/chunk.js';
import { roundTripMeter } from '../../src/round-trip.js';

describe('roundTripMeter', () => {
  it('keeps the least round trip of the last 10 s beside the smoothed one', () => {
    let clock = 0;
    const meter = roundTripMeter(0.2, () => clock);
    expect(meter.leastMs).toBeUndefined();
    meter.observe(50);
    clock = 1000;
    meter.observe(900);
    expect(meter.leastMs).toBe(50);
    expect(meter.ms).toBeCloseTo(50 + 0.2 * 850, 6);
    clock = 10_000;
    meter.observe(300);
    expect(meter.leastMs).toBe(50); // 50 was seen at 0: 10 s ago, still standing
    clock = 10_001;
    meter.observe(400);
    expect(meter.leastMs).toBe(400); // older than 10 s: the newest round trip stands for the path
    meter.observe(-1);
    meter.observe(Number.NaN);
    expect(meter.leastMs).toBe(400);
  });
});

describe('chunkConcurrency', () => {
  const measured = (ms: number | undefined, leastMs: number | undefined = ms) => ({ ms, leastMs });

  it('is rate × round trip × 1.5 + 1, at least 1, at most the cap', () => {
    expect(chunkConcurrency(180, measured(50), 64)).toBe(Math.ceil(180 * 0.05 * 1.5) + 1); // 15
    expect(chunkConcurrency(180, measured(1000), 64)).toBe(64);
    expect(chunkConcurrency(1, measured(1), 64)).toBe(2);
  });

  it('sizes by at most twice the least round trip when queueing has inflated the smoothed one', () => {
    // Smoothed 1 s, least 50 ms: sized as 100 ms, not 1 s (which would be the cap).
    expect(chunkConcurrency(180, measured(1000, 50), 64)).toBe(Math.ceil(180 * 0.1 * 1.5) + 1); // 28
    // Smoothed within twice the least: the smoothed one.
    expect(chunkConcurrency(180, measured(80, 50), 64)).toBe(Math.ceil(180 * 0.08 * 1.5) + 1);
  });

  it('before the first reply: 10 with a rate limit (at most the cap), the cap without one', () => {
    expect(chunkConcurrency(180, measured(undefined), 64)).toBe(10);
    expect(chunkConcurrency(180, measured(undefined), 4)).toBe(4);
    expect(chunkConcurrency(null, measured(undefined), 64)).toBe(64);
    expect(chunkConcurrency(null, measured(1000, 50), 64)).toBe(64);
  });

  it('before the first reply under a shared quota: the lane’s rate × 200 ms × 1.5 + 1, at least 10, at most the cap', () => {
    // The share (45/s, one of four instances) sizes the window once a reply has measured the round trip; before, the
    // lane's rate for all of them does: the shared schedule spaces the sends.
    expect(chunkConcurrency(45, measured(undefined), 64, 180)).toBe(Math.ceil(180 * 0.2 * 1.5) + 1); // 55
    expect(chunkConcurrency(45, measured(undefined), 32, 180)).toBe(32);
    expect(chunkConcurrency(2, measured(undefined), 64, 2)).toBe(10);
    expect(chunkConcurrency(45, measured(50), 64, 180)).toBe(Math.ceil(45 * 0.05 * 1.5) + 1);
  });
});
