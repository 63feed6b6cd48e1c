// The README's edge adapter (examples/http-store-quota.ts): instances taking permits from one store over HTTP, served
// here by a loopback server in the test.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpStoreQuota, quotaStoreHandler } from '../../examples/http-store-quota.js';
import { createLocalQuota } from '../../src/quota/local-quota.js';
import type { Quota, QuotaLane } from '../../src/quota/quota.js';

const lane: QuotaLane = { key: '1400000000/getSpecifiedFriends', sdkAppId: 1400000000, operation: 'getSpecifiedFriends', limit: 10, callsPerSecond: 8.5 };
let server: Server;
let url: string;
const taken: string[] = [];
let aborted = 0;
const store = createLocalQuota();

beforeAll(async () => {
  // The store's quota counts whose permits it granted, and sees the aborts of instances that gave up.
  const counted: Quota = {
    ...store,
    async take(takeLane, signal) {
      signal?.addEventListener('abort', () => aborted++);
      await store.take(takeLane, signal);
      taken.push(takeLane.key);
    },
  };
  const handle = quotaStoreHandler(counted);
  server = createServer(async (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const response = await handle(new Request(`http://store${req.url}`, { method: 'POST', body: Buffer.concat(chunks), signal: controller.signal }));
      res.writeHead(response.status, { 'content-type': 'application/json' }).end(Buffer.from(await response.arrayBuffer()));
    } catch {
      res.destroy();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(() => {
  server?.close();
  server?.closeAllConnections();
});

it('grants the permits of several instances from the one store and reports the store’s rate', async () => {
  const instances = [1, 2].map(() => createHttpStoreQuota({ url, fallback: createLocalQuota({ instances: 2 }) }));
  const before = taken.length;
  await Promise.all(instances.flatMap((quota) => [quota.take(lane), quota.take(lane)]));
  expect(taken.length - before).toBe(4);
  const rateBefore = store.rate(lane) as number;
  await instances[0]?.report(lane, 'refused');
  await instances[1]?.take(lane);
  // One instance's refusal lowered the rate the other one is told.
  expect(store.rate(lane)).toBeLessThan(rateBefore);
  expect(instances[1]?.rate(lane)).toBe(store.rate(lane));
  expect(instances[1]?.shared).toBe(true);
});

it('gives up a waiting permit at the store when the caller aborts', async () => {
  const quota = createHttpStoreQuota({ url, fallback: createLocalQuota() });
  await quota.take(lane);
  const controller = new AbortController();
  const reason = new Error('gave up');
  const waiting = quota.take(lane, controller.signal);
  const abortsBefore = aborted;
  setTimeout(() => controller.abort(reason), 20);
  await expect(waiting).rejects.toBe(reason);
  // The store's pending take is aborted once the connection closes.
  while (aborted === abortsBefore) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(aborted).toBeGreaterThan(abortsBefore);
});

it('takes permits from its fallback while the store cannot be reached', async () => {
  const fallback = createLocalQuota({ instances: 2 });
  const quota = createHttpStoreQuota({ url: 'http://127.0.0.1:9', fallback });
  await quota.take(lane);
  expect(quota.rate(lane)).toBe(fallback.rate(lane));
  // Permits paced in this process: a split call starts with the small first window again.
  expect(quota.shared).toBe(false);
});
