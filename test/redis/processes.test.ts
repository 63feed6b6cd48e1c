// Several instances in separate processes share one lane: every permit of every process is a grant of the one
// schedule in Redis.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./take-child.ts', import.meta.url));
let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

it('spaces the permits of three processes on one shared schedule', async () => {
  const processes = 3;
  const each = 20;
  const outputs = await Promise.all(
    Array.from({ length: processes }, () => run(process.execPath, ['--import', 'tsx', child, server.url, 'shared:', 'friends', String(each)], { timeout: 60_000 })),
  );
  for (const { stdout } of outputs) {
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ taken: each, changes: [], state: 'shared' });
  }
  const redis = new Redis(server.url);
  const [grants, first, tat, rate] = (await redis.hmget('shared:{1400000000/friends}', 'grants', 'first', 'tat', 'rate')).map(Number) as [number, number, number, number];
  await redis.quit();
  expect(grants).toBe(processes * each);
  // 0.9 × the limit of 50: the quota's margin, not the document's (lane.callsPerSecond, 42.5).
  expect(rate).toBeCloseTo(45, 9);
  // Every grant took its own slot of the one schedule: at most `burst` (here 4: limit 50 − 45 rounds down to 5, capped
  // at 4) share a moment, and none is spaced closer than the ceiling allows (the first ones were at the start share).
  expect(tat - first).toBeGreaterThanOrEqual(((processes * each - 4) * 1000) / 45 - 0.01);
});
