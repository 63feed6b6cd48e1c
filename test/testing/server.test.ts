// The fake vendor behind HTTP: in this process and in its own (`tim-rest-fake`), as the bench runs it. Counters,
// rate limit at arrival, control endpoints, clean stop.
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/index.js';
import { createFakeVendor, generateDataset, spawnFakeVendorServer, startFakeVendorServer, type FakeVendorServer } from '../../src/testing/index.js';
import { networkFetch, post, refused, signedQuery } from './support.js';

const dataset = generateDataset({ groups: 300, friends: 120 });
const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startFakeVendorServer>[0]): Promise<FakeVendorServer> {
  const server = await startFakeVendorServer(options);
  servers.push(server);
  return server;
}

describe('the loopback server', () => {
  it('answers the client like the in-memory fake, and counts connections and sockets', async () => {
    const server = await start({ dataset, rateLimit: false });
    const fake = server.vendor;
    const client = createChatClient({ ...fake.credentials, baseUrl: server.url, rateLimit: false });
    const reply = await client.getSpecifiedFriends({ From_Account: dataset.owner, To_Account: dataset.friendIds, TagList: ['Tag_Profile_IM_Nick'] });
    expect(reply.InfoItem?.map((item) => item.To_Account)).toEqual(dataset.friendIds);
    const stats = server.stats();
    expect(stats.accepted).toBe(2); // 120 friends: two calls of at most 100
    expect(stats.byOperation.getSpecifiedFriends.accepted).toBe(2);
    expect(stats.connections).toBeGreaterThanOrEqual(1);
    expect(stats.peakOpenSockets).toBeGreaterThanOrEqual(1);
    expect(stats.peakOpenSockets).toBeLessThanOrEqual(stats.connections);
    expect(stats.inFlight).toBe(0);
    expect(stats.bytesOut).toBeGreaterThan(2000);
  });

  it('refuses calls beyond the per-API limit with 60007, counted at arrival', async () => {
    // A frozen clock puts every arrival in the same second, whatever the machine's speed.
    const server = await start({ dataset, rateLimit: { getFriendLists: 3 }, now: () => 1_000_000 });
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await post(networkFetch, 'getFriendLists', { From_Account: dataset.owner }, undefined, server.url));
    expect(replies.map((reply) => reply.json['ErrorCode'])).toEqual([0, 0, 0, 60007, 60007]);
    expect(replies[3]?.json['ActionStatus']).toBe('FAIL');
    // Other APIs have windows of their own.
    expect((await post(networkFetch, 'getAppGroups', { Limit: 1 }, undefined, server.url)).json['ErrorCode']).toBe(0);
    const stats = server.stats();
    expect(stats).toMatchObject({ accepted: 4, rateLimited: 2 });
    expect(stats.acceptedPerSecond).toEqual([4]);
  });

  it('serves its counters, resets them and takes faults over HTTP', async () => {
    const server = await start({ dataset, rateLimit: false });
    await post(networkFetch, 'getAppGroups', { Limit: 2 }, undefined, server.url);
    const stats = (await (await fetch(`${server.url}/__fake/stats`)).json()) as { accepted: number; connections: number };
    expect(stats.accepted).toBe(1);
    const injected = await fetch(`${server.url}/__fake/faults`, { method: 'POST', body: JSON.stringify({ operation: 'getAppGroups', fault: 60007, times: 1 }) });
    expect(await injected.json()).toEqual({ ok: true, pendingFaults: 1 });
    expect((await post(networkFetch, 'getAppGroups', { Limit: 2 }, undefined, server.url)).json['ErrorCode']).toBe(60007);
    expect((await post(networkFetch, 'getAppGroups', { Limit: 2 }, undefined, server.url)).json['ErrorCode']).toBe(0);
    await fetch(`${server.url}/__fake/reset`, { method: 'POST' });
    expect(server.stats()).toMatchObject({ requests: 0, accepted: 0, rateLimited: 0, connections: 0 });
    expect(server.vendor.calls).toEqual([]);
  });

  it('drops the connection on a scripted reset and keeps a hung request open until the client gives up', async () => {
    const server = await start({ dataset });
    server.vendor.inject('getFriendLists', { reset: true });
    await expect(post(networkFetch, 'getFriendLists', { From_Account: dataset.owner }, undefined, server.url)).rejects.toThrow(/fetch failed/);
    server.vendor.inject('getFriendLists', { hang: true });
    const gaveUp = new AbortController();
    const query = await signedQuery();
    const hung = fetch(`${server.url}/v4/sns/group_get?${query.toString()}`, { method: 'POST', body: '{"From_Account":"user0"}', signal: gaveUp.signal });
    await expect.poll(() => server.stats().hangs).toBe(1);
    expect(server.stats().inFlight).toBe(1);
    gaveUp.abort();
    await expect(hung).rejects.toThrow();
    await expect.poll(() => server.stats().inFlight).toBe(0);
    expect(server.stats().resets).toBe(1);
  });

  it('serves an in-memory fake given to it, sharing its state', async () => {
    const fake = createFakeVendor({ dataset });
    const server = await start({ vendor: fake });
    fake.inject('*', 70001);
    expect((await post(networkFetch, 'getAppGroups', {}, undefined, server.url)).json['ErrorCode']).toBe(70001);
    expect(fake.calls).toHaveLength(1);
  });
});

describe('tim-rest-fake, the server in its own process', () => {
  it('prints its URL when ready, serves stats and faults over HTTP, and stops on SIGTERM', async () => {
    const fake = await spawnFakeVendorServer({ args: ['--groups', '50', '--rate-limit', 'getAppGroups=2'] });
    try {
      const port = Number(new URL(fake.url).port);
      expect(port).toBeGreaterThan(0);
      const client = createChatClient({ sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'fake-vendor-test-key-0123456789abcdef', baseUrl: fake.url, rateLimit: false });
      const first = await client.getAppGroups({ Limit: 10 });
      expect(first.GroupIdList).toHaveLength(10);
      await fake.inject('getAppGroups', { httpStatus: 502 }, 1);
      const raw = await post(networkFetch, 'getAppGroups', {}, undefined, fake.url);
      expect(raw.status).toBe(502);
      const stats = await fake.stats();
      expect(stats).toMatchObject({ accepted: 1, httpErrors: 1 });
      expect(stats.connections).toBeGreaterThanOrEqual(1);
      await fake.resetStats();
      expect((await fake.stats()).requests).toBe(0);
      expect(await fake.stop()).toBe(0);
      expect(await refused(port)).toBe(true);
    } finally {
      await fake.stop();
    }
  });
});
