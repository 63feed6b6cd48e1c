// createRedisQuota on a real redis-server: permits from the shared lane, and every fault — Redis absent at start,
// killed and back mid-job, paused (a Redis that does not answer) — ending in a permit, never a lost or hung take.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { QuotaLane } from '../../src/quota/quota.js';
import { createRedisQuota, type RedisQuota, type RedisQuotaStateChange } from '../../src/redis/index.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let next = 0;
const quotas: RedisQuota[] = [];
const laneOf = (limit = 200): QuotaLane => {
  const operation = `op${++next}`;
  return { key: `1400000000/${operation}`, sdkAppId: 1400000000, operation, limit, callsPerSecond: limit * 0.85 };
};
const open = (options: Parameters<typeof createRedisQuota>[0]): RedisQuota => {
  const quota = createRedisQuota(options);
  quotas.push(quota);
  return quota;
};
/** Resolves with the next state change the quota reports. */
const nextChange = (changes: RedisQuotaStateChange[], count: number): Promise<RedisQuotaStateChange> =>
  new Promise((resolve) => {
    const poll = (): void => {
      if (changes.length >= count) resolve(changes[count - 1] as RedisQuotaStateChange);
      else setTimeout(poll, 5);
    };
    poll();
  });

beforeAll(async () => {
  server = await startRedisServer();
});

afterEach(async () => {
  await Promise.all(quotas.splice(0).map((quota) => quota.close()));
  if (!server.process) await server.start();
});

afterAll(async () => {
  await server?.stop();
});

describe('createRedisQuota', () => {
  it('rejects options it cannot use, naming the field', () => {
    expect(() => createRedisQuota({})).toThrow(/options\.url.*options\.client/);
    expect(() => createRedisQuota({ url: 'http://127.0.0.1:1' })).toThrow(/options\.url must be a redis:\/\//);
    expect(() => createRedisQuota({ url: server.url, instances: 0 })).toThrow(/options\.instances must be a positive integer/);
    expect(() => createRedisQuota({ url: server.url, timeoutMs: -1 })).toThrow(/options\.timeoutMs/);
    for (const margin of [0, 1.1, Number.NaN]) expect(() => createRedisQuota({ url: server.url, margin })).toThrow(/options\.margin must be a number in \(0, 1\]/);
  });

  it('takes permits from the shared lane and reports answers to it', async () => {
    const quota = open({ url: server.url, prefix: 'q1:' });
    const lane = laneOf();
    for (let i = 0; i < 5; i++) await quota.take(lane);
    await quota.report(lane, 'refused');
    const redis = new Redis(server.url);
    const [grants, rate] = await redis.hmget(`q1:{${lane.key}}`, 'grants', 'rate');
    await redis.quit();
    expect(Number(grants)).toBe(5);
    // The lane started at 0.75 of 0.9 × 200 (no answer yet); the refusal lowered that ×0.8.
    expect(Number(rate)).toBeCloseTo(180 * 0.75 * 0.8, 6);
    expect(quota.state).toBe('shared');
    expect(quota.shared).toBe(true);
    expect(quota.rate(lane)).toBeCloseTo(180 * 0.75 * 0.8, 6);
  });

  /**
   * One instance told of 4 takes a permit after each wait (ms on a fake `performance` clock; the Redis server's own
   * clock runs on); resolves with its part of the lane's rate after each take, as a fraction of the lane's rate.
   */
  const partsAfterWaits = async (prefix: string, waits: readonly number[]): Promise<number[]> => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const redis = new Redis(server.url);
    try {
      const quota = open({ url: server.url, prefix, instances: 4 });
      const lane = laneOf();
      const parts: number[] = [];
      for (const wait of waits) {
        vi.advanceTimersByTime(wait);
        await quota.take(lane);
        const shared = Number(await redis.hget(`${prefix}{${lane.key}}`, 'rate'));
        parts.push(Math.round(((quota.rate(lane) as number) / shared) * 1e6) / 1e6);
      }
      return parts;
    } finally {
      await redis.quit();
      vi.useRealTimers();
    }
  };

  it('sizes its part of the rate by the instances it was told of until the lane has counted them', async () => {
    // The lane has seen one instance so far; the other three started with it may not have asked yet. A take asked
    // 100 ms after the first has the lane's count of instances: this one alone has the whole rate.
    expect(await partsAfterWaits('q-part:', [0, 99, 1])).toEqual([0.25, 0.25, 1]);
  });

  it('meets the floor again when it takes after leaving the lane’s count, as a later job on every instance does', async () => {
    // Idle past 500 ms after its last slot (these slots are a few ms ahead at most), the instance has left the lane's
    // count; the instances that start the next job with it may not have asked yet.
    expect(await partsAfterWaits('q-rejoin:', [0, 100, 700, 100])).toEqual([0.25, 1, 0.25, 1]);
  });

  it('uses a client passed in and leaves it open on close', async () => {
    const client = new Redis(server.url);
    const quota = createRedisQuota({ client });
    await quota.take(laneOf());
    await quota.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('rejects a waiting take with the signal’s reason as soon as it aborts', async () => {
    const quota = open({ url: server.url });
    const lane = laneOf(2); // 1.7/s: the second permit is ~590 ms away
    await quota.take(lane);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waiting = quota.take(lane, controller.signal);
    setTimeout(() => controller.abort(reason), 20);
    await expect(waiting).rejects.toBe(reason);
  });

  /**
   * Takes a permit, then a second one that waits for its slot; meanwhile `meanwhile` runs against the lane. Resolves
   * with the grants the lane made in all (3 when the waiting take booked again).
   */
  const grantsWhenASleeperHears = async (prefix: string, meanwhile: (here: RedisQuota, there: RedisQuota, lane: QuotaLane) => unknown): Promise<number> => {
    const here = open({ url: server.url, prefix });
    const there = open({ url: server.url, prefix });
    const lane = laneOf(2);
    const redis = new Redis(server.url);
    const grants = async (): Promise<number> => Number(await redis.hget(`${prefix}{${lane.key}}`, 'grants'));
    await here.take(lane);
    const waiting = here.take(lane);
    while ((await grants()) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await meanwhile(here, there, lane);
    await waiting;
    const total = await grants();
    await redis.quit();
    return total;
  };

  it('books a take again when the server refused a send while it waited for its slot', async () => {
    expect(await grantsWhenASleeperHears('q2:', (here, _there, lane) => here.report(lane, 'refused'))).toBe(3);
  });

  it('books a take again when another instance’s refusal lowered the lane while it waited for its slot', async () => {
    const grants = await grantsWhenASleeperHears('q3:', async (here, there, lane) => {
      await there.report(lane, 'refused');
      // This instance hears of the decrease in the lane's next answer to it, before its slot is due.
      await here.report(lane, 'accepted');
    });
    expect(grants).toBe(3);
  });

  it('books a take again when another instance’s refusal lowered the lane while it waited, though it heard nothing since', async () => {
    // No answer reaches this instance while it sleeps: it reads the lane's last decrease before it sends.
    expect(await grantsWhenASleeperHears('q4:', (_here, there, lane) => there.report(lane, 'refused'))).toBe(3);
  });

  it('works on its in-process quota when Redis is not there at start, and says so', async () => {
    const changes: RedisQuotaStateChange[] = [];
    const port = await freePort();
    const quota = open({ url: `redis://127.0.0.1:${port}`, instances: 2, timeoutMs: 100, onStateChange: (change) => changes.push(change) });
    const lane = laneOf();
    for (let i = 0; i < 3; i++) await quota.take(lane);
    expect(quota.state).toBe('local');
    expect(quota.shared).toBe(false);
    expect(changes[0]?.state).toBe('local');
    expect(changes[0]?.error).toBeInstanceOf(Error);
    // The in-process quota paces at this instance's share.
    expect(quota.rate(lane)).toBeLessThanOrEqual(85);
  });

  it('falls back when Redis is killed mid-job and goes back to it when it returns, losing no take', async () => {
    const changes: RedisQuotaStateChange[] = [];
    const quota = open({ url: server.url, timeoutMs: 200, retryAfterMs: 50, onStateChange: (change) => changes.push(change) });
    const lane = laneOf();
    let taken = 0;
    let stop = false;
    const job = (async () => {
      while (!stop) {
        await quota.take(lane);
        taken++;
        await quota.report(lane, 'accepted');
      }
    })();
    while (taken < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.stop('SIGKILL');
    expect((await nextChange(changes, 1)).state).toBe('local');
    const takenWhileDown = taken;
    while (taken < takenWhileDown + 10) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.start();
    expect(await nextChange(changes, 2)).toEqual({ state: 'shared' });
    const takenBack = taken;
    while (taken < takenBack + 10) await new Promise((resolve) => setTimeout(resolve, 5));
    stop = true;
    await job;
    expect(changes.map((change) => change.state)).toEqual(['local', 'shared']);
    // The restarted Redis holds the grants made since it came back.
    const redis = new Redis(server.url);
    expect(Number(await redis.hget(`tim-rest-client:quota:{${lane.key}}`, 'grants'))).toBeGreaterThanOrEqual(10);
    await redis.quit();
  });

  it('does not let a Redis that stops answering hold a take past its signal or its time limit', async () => {
    const changes: RedisQuotaStateChange[] = [];
    const quota = open({ url: server.url, timeoutMs: 300, onStateChange: (change) => changes.push(change) });
    const lane = laneOf();
    await quota.take(lane);
    server.process?.kill('SIGSTOP');
    try {
      const controller = new AbortController();
      const reason = new Error('deadline');
      const aborted = quota.take(lane, controller.signal);
      setTimeout(() => controller.abort(reason), 30);
      await expect(aborted).rejects.toBe(reason);
      // Without an abort, the take falls back after the time limit and gets its permit in process.
      await expect(quota.take(lane)).resolves.toBeUndefined();
      expect(changes[0]?.state).toBe('local');
      expect(String(changes[0]?.error)).toMatch(/did not answer within 300 ms/);
    } finally {
      server.process?.kill('SIGCONT');
    }
  });
});
