// tim-rest-client/redis: a quota shared by every instance of an app through Redis. A separate entry so the main one
// (and edge bundles) never load a Redis client; ioredis is an optional peer dependency needed by this entry only.
export { createRedisQuota } from './redis-quota.js';
export type { RedisQuota, RedisQuotaOptions, RedisQuotaState, RedisQuotaStateChange } from './redis-quota.js';
