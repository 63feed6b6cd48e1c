// The lane script on a real Redis: spacing and AIMD read from what the script answers (slots on the server's clock,
// rates), never from how long anything took here.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { laneKeys, runLaneScript, type LaneKeys, type LaneOp, type LaneSettings } from '../../src/redis/lane-script.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let redis: Redis;
let lane = 0;
let keys: LaneKeys;

const settings: LaneSettings = {
  callsPerSecond: 10,
  burst: 1,
  windowMs: 1000,
  ttlMs: 60_000,
  decrease: 0.8,
  settle: 0.9,
  recoveryPerSecond: 0.5,
  probeShare: 1,
  learnedTtlMs: 600_000,
  startShare: 1,
  activeMs: 500,
  minCallsPerSecond: 0.2,
};

const run = (op: LaneOp, instance = 'a', overrides: Partial<LaneSettings> = {}) => runLaneScript(redis, keys, op, { ...settings, ...overrides }, instance);
/** The server-clock time of the slot a take reserved. */
const slot = async (instance = 'a', overrides: Partial<LaneSettings> = {}): Promise<number> => {
  const answer = await run('take', instance, overrides);
  return answer.serverNow + answer.waitMs;
};

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

beforeEach(() => {
  keys = laneKeys('test:', `1400000000/op${++lane}`);
});

describe('the lane script', () => {
  it('spaces the slots of every instance by 1/rate on the server clock, in the order they were asked for', async () => {
    const slots: number[] = [];
    for (const instance of ['a', 'b', 'a', 'c', 'b', 'a']) slots.push(await slot(instance));
    const gaps = slots.slice(1).map((at, index) => at - (slots[index] as number));
    for (const gap of gaps) expect(gap).toBeCloseTo(100, 3);
    const answer = await run('take', 'c');
    expect(answer.active).toBe(3);
  });

  it('lets `burst` sends go back to back after a quiet spell, then spaces the rest', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await run('take', 'a', { burst: 3 }));
    // The first three are due at once (each waits only for what the server clock has not yet reached), then 1/rate.
    const slots = answers.map((answer) => answer.serverNow + answer.waitMs);
    expect(slots[1]! - slots[0]!).toBeLessThan(100);
    expect(slots[2]! - slots[0]!).toBeLessThan(100);
    expect(slots[3]! - slots[2]!).toBeGreaterThan(0);
    expect(slots[4]! - slots[3]!).toBeCloseTo(100, 3);
  });

  it('lowers the shared rate at most once per window on refusals from any instance, and raises it step by step', async () => {
    await run('take', 'a');
    expect((await run('refused', 'a')).rate).toBeCloseTo(8, 9);
    // Another instance's refusal in the same window is the same signal.
    expect((await run('refused', 'b')).rate).toBeCloseTo(8, 9);
    // Each accepted answer adds recovery ÷ rate: +recovery per second of sends at that rate.
    expect((await run('accepted', 'b')).rate).toBeCloseTo(8 + 0.5 / 8, 9);
    const rate = (await run('accepted', 'a')).rate;
    expect(rate).toBeCloseTo(8 + 0.5 / 8 + 0.5 / (8 + 0.5 / 8), 9);
    // Later takes are spaced at the lowered rate.
    const first = await slot('a');
    const second = await slot('b');
    expect(second - first).toBeCloseTo(1000 / rate, 3);
  });

  it('never raises the rate above the ceiling, nor lowers it below the floor', async () => {
    expect((await run('accepted')).rate).toBe(10);
    await redis.hset(keys[0], 'rate', '0.25', 'lastdec', '-1e18');
    expect((await run('refused')).rate).toBeCloseTo(0.2, 9);
  });

  it('holds permits after a refusal until the oldest accepted send of the window has left it', async () => {
    await run('take');
    const accepted = await run('accepted');
    const refused = await run('refused');
    const next = await slot();
    // Nothing before the oldest accepted answer + one window (the accepted answer was counted at or before its reply).
    expect(next).toBeGreaterThanOrEqual(accepted.serverNow + 1000 - 0.01);
    expect(next).toBeLessThanOrEqual(refused.serverNow + 1000 + 0.01);
  });

  it('after a refusal, spaces the slots from the hold by 1/rate: no burst into the window it waited for', async () => {
    const burst = { burst: 3 };
    await run('take', 'a', burst);
    const accepted = await run('accepted', 'a', burst);
    const refused = await run('refused', 'a', burst);
    const slots: number[] = [];
    for (let i = 0; i < 4; i++) slots.push(await slot('a', burst));
    expect(slots[0]).toBeGreaterThanOrEqual(accepted.serverNow + 1000 - 0.01);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeCloseTo(1000 / refused.rate, 3);
  });

  it('settles a lane that has sent for a whole window at 0.9 × what the server accepted in the last window', async () => {
    // A lane that started sending two seconds ago and had 5 answers accepted in the current window (none before), the
    // first 50 ms ago: should the server's clock enter the next second meanwhile, they all stay in the last window.
    const clock = await redis.time();
    const now = Number(clock[0]) * 1000 + Number(clock[1]) / 1000;
    const idx = Math.floor(now / 1000);
    await redis.hset(keys[0], 'rate', '10', 'first', String(now - 2000), 'idx', String(idx), 'cur', '5', 'curfirst', String(now - 50), 'prev', '0', 'lastdec', '-1e18');
    expect((await run('refused')).rate).toBeCloseTo(4.5, 9);
  });

  it('within its first window, settles at 0.9 × what was accepted when most grants were, and backs off ×0.8 when they were not', async () => {
    const clock = await redis.time();
    const now = Number(clock[0]) * 1000 + Number(clock[1]) / 1000;
    const idx = Math.floor(now / 1000);
    const firstWindow = (accepted: number, grants: number) =>
      redis.hset(keys[0], 'rate', '10', 'first', String(now - 600), 'grants', String(grants), 'idx', String(idx), 'cur', String(accepted), 'curfirst', String(now - 50), 'prev', '0', 'lastdec', '-1e18');
    // Started into an empty window: 5 of 6 grants accepted before the refusal.
    await firstWindow(5, 6);
    expect((await run('refused')).rate).toBeCloseTo(4.5, 9);
    // Started into a full window: 1 of 6 accepted says nothing of what the server allows the lane.
    keys = laneKeys('test:', `1400000000/op${++lane}`);
    await firstWindow(1, 6);
    expect((await run('refused')).rate).toBeCloseTo(8, 9);
    // Refused 100 ms in (by a clock read again now): 5 of 6 accepted is what a full window had room for, not what the
    // server allows.
    keys = laneKeys('test:', `1400000000/op${++lane}`);
    const again = await redis.time();
    const later = Number(again[0]) * 1000 + Number(again[1]) / 1000;
    await redis.hset(keys[0], 'rate', '10', 'first', String(later - 100), 'grants', '6', 'idx', String(idx), 'cur', '5', 'curfirst', String(now - 50), 'prev', '0', 'lastdec', '-1e18');
    expect((await run('refused')).rate).toBeCloseTo(8, 9);
  });

  it('keeps its keys only for a while after the last reserved slot', async () => {
    await run('take', 'a', { ttlMs: 5_000 });
    for (const key of [keys[0], keys[1]]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5_000 + 100);
    }
    // An instance whose last slot is more than activeMs old leaves the count.
    await redis.zadd(keys[1], 0, 'gone');
    expect((await run('take', 'a')).active).toBe(1);
  });

  it('counts an instance while it holds a slot booked ahead, and until activeMs after its last slot', async () => {
    // At 1/s with burst 1, five takes of 'a' book slots up to 4 s ahead (a second apart, so a slow machine between
    // takes cannot bring them back to now).
    const slow = { callsPerSecond: 1 };
    for (let i = 0; i < 5; i++) await run('take', 'a', slow);
    const { serverNow, active } = await run('take', 'b', slow);
    expect(active).toBe(2);
    expect(Number(await redis.zscore(keys[1], 'a'))).toBeGreaterThan(serverNow + 2000);
    // Even with activeMs at 1 ms, 'a' and 'b' still hold slots ahead: they count.
    expect((await run('take', 'c', { ...slow, activeMs: 1 })).active).toBe(3);
    // An instance whose last slot is more than activeMs old no longer does.
    await redis.zadd(keys[1], serverNow - 600, 'a');
    expect((await run('take', 'd', slow)).active).toBe(3);
  });

  it('remembers what the server allowed beyond the lane: a new lane starts just below it, then only probes upward', async () => {
    const clock = await redis.time();
    const now = Number(clock[0]) * 1000 + Number(clock[1]) / 1000;
    const idx = Math.floor(now / 1000);
    await redis.hset(keys[0], 'rate', '10', 'first', String(now - 2000), 'idx', String(idx), 'cur', '6', 'curfirst', String(now - 50), 'prev', '0', 'lastdec', '-1e18');
    const refused = await run('refused', 'a', { learnedTtlMs: 600_000 });
    expect(refused.rate).toBeCloseTo(5.4, 9);
    expect(refused.decreasedAt).toBeCloseTo(refused.serverNow, 3);
    expect(Number(await redis.get(keys[2]))).toBe(6);
    const ttl = await redis.pttl(keys[2]);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    // The lane's state expires (a pause): the next job starts at settle × the learned limit, not at the ceiling.
    await redis.del(keys[0]);
    expect((await run('take')).rate).toBeCloseTo(5.4, 9);
    // Above that it regains probeShare of recoveryPerSecond: 0.5 × 0.2 per second of sends (one send is 1/5.4 s).
    const accepted = await run('accepted', 'a', { probeShare: 0.2 });
    expect(accepted.rate).toBeCloseTo(5.4 + (0.5 * 0.2) / 5.4, 9);
    // A lane with nothing learned regains the whole recoveryPerSecond.
    keys = laneKeys('test:', `1400000000/op${++lane}`);
    await redis.hset(keys[0], 'rate', '5.4');
    expect((await run('accepted', 'a', { probeShare: 0.2 })).rate).toBeCloseTo(5.4 + 0.5 / 5.4, 9);
  });

  it('a new lane grants startShare of its rate until the first accepted answer, unless a refusal came first', async () => {
    const start = { startShare: 0.75 };
    const first = await run('take', 'a', start);
    expect(first.rate).toBeCloseTo(7.5, 9);
    // Spaced at the start rate meanwhile.
    const a = await slot('a', start);
    const b = await slot('b', start);
    expect(b - a).toBeCloseTo(1000 / 7.5, 3);
    // The first accepted answer restores the rate it held back, then recovery goes on from there.
    expect((await run('accepted', 'b', start)).rate).toBeCloseTo(10, 9);
    // Only a new lane starts low: later takes keep the rate.
    expect((await run('take', 'a', start)).rate).toBeCloseTo(10, 9);
    // A refusal before any accepted answer sets a rate of its own (×0.8 of the start rate), which the next accepted
    // answer only raises by one step.
    keys = laneKeys('test:', `1400000000/op${++lane}`);
    await run('take', 'a', start);
    expect((await run('refused', 'a', start)).rate).toBeCloseTo(6, 9);
    expect((await run('accepted', 'a', start)).rate).toBeCloseTo(6 + 0.5 / 6, 9);
    // With a learned limit, the start share is of settle × that limit.
    keys = laneKeys('test:', `1400000000/op${++lane}`);
    await redis.set(keys[2], '8', 'PX', 60_000);
    expect((await run('take', 'a', start)).rate).toBeCloseTo(8 * 0.9 * 0.75, 9);
    expect((await run('accepted', 'a', { ...start, probeShare: 0.2 })).rate).toBeCloseTo(7.2 + (0.5 * 0.2) / 7.2, 9);
  });

  it('loads itself with EVAL when the server has lost its script cache', async () => {
    await redis.script('FLUSH');
    expect((await run('take')).rate).toBe(10);
  });
});
