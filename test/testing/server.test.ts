// The fake vendor behind HTTP: in this process and in its own (`tim-rest-fake`), as the bench runs it. Counters,
// rate limit at arrival, control endpoints, clean stop.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/index.js';
import { createFakeVendor, generateDataset } from '../../src/testing/index.js';
import { spawnFakeVendorServer, startFakeVendorServer, type FakeVendorServer } from '../../src/testing/server-entry.js';
import { networkFetch, post, refused, signedQuery } from './support.js';

const dataset = generateDataset({ groups: 300, friends: 120 });
const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Sends `head` (a request line and headers, as typed) on a new connection; resolves with the raw reply. */
function rawRequest(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

/** POSTs `body` to the fault endpoint; resolves with the status and the JSON reply. */
async function postFault(url: string, body: string): Promise<{ status: number; json: { ok: boolean; error?: string } }> {
  const response = await fetch(`${url}/__fake/faults`, { method: 'POST', body });
  return { status: response.status, json: (await response.json()) as { ok: boolean; error?: string } };
}

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

describe('the loopback server on bad input', () => {
  // Each case is answered with a 4xx naming what is wrong; the next call is served as usual.
  async function stillServes(server: FakeVendorServer): Promise<void> {
    const reply = await post(networkFetch, 'getAppGroups', { Limit: 2 }, undefined, server.url);
    expect(reply.status).toBe(200);
    expect(reply.json['ErrorCode']).toBe(0);
  }

  it.each(['GET http:// HTTP/1.1', 'POST http://[ HTTP/1.1', 'GET http://:99999/ HTTP/1.1'])('answers 400 to the request target of %j', async (line) => {
    const server = await start({ dataset, rateLimit: false });
    const reply = await rawRequest(server.url, `${line}\r\nHost: 127.0.0.1`);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('is neither a path nor an absolute URL');
    await stillServes(server);
  });

  it.each([
    ['not JSON', '{"fault":', /the body must be JSON/],
    ['not an object', '[60007]', /the body must be a JSON object/],
    ['no fault', '{"operation":"getAppGroups"}', /the body has no fault/],
    ['an unknown operation', '{"operation":"getEverything","fault":60007}', /operation must be '\*' or an operation of the document.*getEverything/],
    ['an inherited name as operation', '{"operation":"constructor","fault":60007}', /operation must be/],
    ['times 0', '{"fault":60007,"times":0}', /times must be a positive integer \(got 0\)/],
    ['times as text', '{"fault":60007,"times":"2"}', /times must be a positive integer \(got 2\)/],
    ['a CR/LF in contentType', JSON.stringify({ fault: { httpStatus: 502, contentType: 'text/html\r\nSet-Cookie: a=b' } }), /fault\.contentType must be a header value/],
    ['non-Latin-1 contentType', JSON.stringify({ fault: { httpStatus: 502, contentType: 'text/html; charset=☃' } }), /fault\.contentType must be a header value/],
    ['a status out of range', '{"fault":{"httpStatus":700}}', /fault\.httpStatus must be an integer from 200 to 599/],
    ['a negative delay', '{"fault":{"delayMs":-5}}', /fault\.delayMs must be a finite number ≥ 0/],
    ['an unknown shape', '{"fault":{"explode":true}}', /fault must be an ErrorCode/],
  ])('refuses a fault request with %s (400 naming it) and queues nothing', async (_name, body, message) => {
    const server = await start({ dataset, rateLimit: false });
    const reply = await postFault(server.url, body);
    expect(reply.status).toBe(400);
    expect(reply.json.ok).toBe(false);
    expect(reply.json.error).toMatch(message);
    expect(server.vendor.pendingFaults).toBe(0);
    await stillServes(server);
  });

  it('answers 404 naming an unknown control endpoint', async () => {
    const server = await start({ dataset, rateLimit: false });
    const response = await fetch(`${server.url}/__fake/explode`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('no control endpoint DELETE /__fake/explode');
    await stillServes(server);
  });

  it('answers a request whose line Node cannot parse with 400 and keeps serving', async () => {
    const server = await start({ dataset, rateLimit: false });
    expect(await rawRequest(server.url, 'GET /a b c\x01 HTTP/9.9')).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes(server);
  });
});

describe('tim-rest-fake, the server in its own process', () => {
  it('prints its URL when ready, serves stats and faults over HTTP, and stops on SIGTERM', async () => {
    const fake = await spawnFakeVendorServer({ args: ['--groups', '50', '--rate-limit', 'getAppGroups=2'] });
    try {
      const port = Number(new URL(fake.url).port);
      expect(port).toBeGreaterThan(0);
      expect(fake.ready).toBe(`tim-rest-fake listening on ${fake.url} (sdkappid 1400000000, identifier administrator, secret key fake-vendor-test-key-0123456789abcdef)`);
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

  it('names the default app (SDKAppID, identifier, secret key) in --help', async () => {
    const cli = fileURLToPath(new URL('../../src/testing/server-cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, '--help']);
    expect(stdout).toContain('default: sdkappid 1400000000,');
    expect(stdout).toContain('identifier administrator, secret key fake-vendor-test-key-0123456789abcdef');
  });
});
