// The rate limit on the real clock, when the event loop is blocked for a while: the calls that fell behind must not
// all start in one burst above the limit. Start times are taken where an attempt starts — the client's fetch is
// called a few microtasks after the limiter lets the attempt go — rather than at the fake, which would add network
// latency that no limiter controls.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { makeClient } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

it('a stalled event loop does not let the calls that fell behind start in a burst above the limit', async () => {
  const limit = 50;
  const starts: number[] = [];
  const recordingFetch = (request: Request): Promise<Response> => {
    starts.push(performance.now());
    // Once, as the second second's calls begin, the event loop is blocked for 400 ms (a long GC, a sync task…) in a
    // task of its own: every limiter timer due meanwhile fires late.
    if (starts.length === limit + 1) {
      setImmediate(() => {
        const until = performance.now() + 400;
        while (performance.now() < until);
      });
    }
    return fetch(request);
  };
  const client = makeClient(fake, { rateLimit: limit, fetch: recordingFetch });
  await Promise.all(Array.from({ length: 120 }, (_, i) => client.getFriendLists({ From_Account: `user${i}` })));
  expect(fake.requests).toHaveLength(120);
  expect(starts).toHaveLength(120);

  // Windows of 950 ms: the slack covers what may pass between the limiter's clock reading and this one (usually
  // microseconds; more when a busy machine preempts the process). A limiter that lets the calls that fell behind go
  // in a burst puts well over 60 starts into such a window here.
  const times = [...starts].sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, end = 0; first < times.length; first++) {
    while (end < times.length && (times[end] as number) < (times[first] as number) + 950) end++;
    busiest = Math.max(busiest, end - first);
  }
  expect(busiest).toBeLessThanOrEqual(limit);
  // The limiter did hold calls back: 120 calls at 50 per second span more than 2 seconds.
  expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThan(1900);
});
