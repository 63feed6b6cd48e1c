// One instance of an app in its own process: takes `count` permits on a lane of a Redis quota, four at a time,
// reports each as accepted, and prints what it saw as one JSON line.
import { createRedisQuota, type RedisQuotaStateChange } from '../../src/redis/index.js';

const [url, prefix, operation, count] = process.argv.slice(2) as [string, string, string, string];
const changes: RedisQuotaStateChange['state'][] = [];
const quota = createRedisQuota({ url, prefix, onStateChange: (change) => changes.push(change.state) });
const lane = { key: `1400000000/${operation}`, sdkAppId: 1400000000, operation, limit: 50, callsPerSecond: 42.5 };
let left = Number(count);
let taken = 0;
const worker = async (): Promise<void> => {
  while (left > 0) {
    left--;
    await quota.take(lane);
    taken++;
    await quota.report(lane, 'accepted');
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
await quota.close();
console.log(JSON.stringify({ taken, changes, state: quota.state }));
