// Backup hosts: the `host` and `failover` options, the pure host choice, and failover through a whole client whose
// fetch cannot reach the primary host (as when its DNS is hijacked).
import { describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/types.js';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { hostIndex, hostChooser, isConnectionFailure, resolveHostPlan } from '../../src/hosts.js';
import { backupHosts, regions } from '../../generated/api-facts.js';

const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

/** A fetch that fails to connect to the hosts in `unreachable` and answers every other host with `reply`. */
function fetchWith(unreachable: readonly string[], reply: Record<string, unknown> = { ActionStatus: 'OK', ErrorCode: 0 }) {
  const hosts: string[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const host = new URL(request.url).host;
    hosts.push(host);
    if (unreachable.includes(host)) {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }) });
    }
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, hosts };
}

function client(overrides: Record<string, unknown>) {
  return createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: SECRET_KEY,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    rateLimit: false,
    ...overrides,
  } as unknown as ChatClientOptions);
}

describe('the document\'s backup hosts', () => {
  it('gives a backup host on the vendor\'s my-imcloud.com domain to every region but Tokyo and Riyadh', () => {
    expect(Object.keys(backupHosts).sort()).toEqual(Object.keys(regions).filter((name) => name !== 'tokyo' && name !== 'riyadh').sort());
    for (const [name, host] of Object.entries(backupHosts)) {
      expect(host, name).toMatch(/^adminapi[a-z]*\.my-imcloud\.com$/);
      // The backup host carries the primary host's region suffix (console.tim.qq.com's backup has none).
      const suffix = /^adminapi([a-z]+)\./.exec(regions[name as keyof typeof regions])?.[1] ?? '';
      expect(host).toBe(`adminapi${suffix}.my-imcloud.com`);
    }
  });
});

describe('resolveHostPlan', () => {
  const primary = 'https://adminapisgp.im.qcloud.com';
  it('puts the chosen host first and the other second', () => {
    expect(resolveHostPlan({ region: 'singapore', baseUrl: undefined, host: undefined, failover: undefined }, primary))
      .toEqual({ baseUrls: [primary, 'https://adminapisgp.my-imcloud.com'], failover: false });
    expect(resolveHostPlan({ region: 'singapore', baseUrl: undefined, host: 'backup', failover: true }, primary))
      .toEqual({ baseUrls: ['https://adminapisgp.my-imcloud.com', primary], failover: true });
    expect(resolveHostPlan({ region: undefined, baseUrl: undefined, host: 'backup', failover: undefined }, 'https://console.tim.qq.com').baseUrls[0])
      .toBe('https://adminapi.my-imcloud.com');
  });

  it('refuses a backup where no vendor page names one, or with a base URL, naming the option and the rule', () => {
    expect(() => resolveHostPlan({ region: 'tokyo', baseUrl: undefined, host: 'backup', failover: undefined }, 'https://adminapijpn.im.qcloud.com'))
      .toThrow(/options\.host cannot be used with region "tokyo": no vendor page names a backup host/);
    expect(() => resolveHostPlan({ region: 'tokyo', baseUrl: undefined, host: undefined, failover: true }, 'https://adminapijpn.im.qcloud.com'))
      .toThrow(/options\.failover cannot be used with region "tokyo"/);
    expect(() => resolveHostPlan({ region: undefined, baseUrl: 'http://127.0.0.1:1', host: undefined, failover: true }, 'http://127.0.0.1:1'))
      .toThrow(/options\.failover needs a region/);
    expect(() => resolveHostPlan({ region: 'china', baseUrl: undefined, host: 'secondary', failover: undefined }, 'https://console.tim.qq.com'))
      .toThrow(/options\.host must be 'primary' or 'backup' \(got "secondary"\)/);
    expect(() => resolveHostPlan({ region: 'china', baseUrl: undefined, host: undefined, failover: 'yes' }, 'https://console.tim.qq.com'))
      .toThrow(/options\.failover must be a boolean/);
  });
});

describe('hostIndex', () => {
  const plan = { baseUrls: ['https://a', 'https://b'], failover: true };
  it('moves to the next host after each failed connection, only for idempotent calls and with failover on', () => {
    expect([0, 1, 2, 3].map((failures) => hostIndex(plan, failures, true))).toEqual([0, 1, 0, 1]);
    expect(hostIndex(plan, 1, false)).toBe(0);
    expect(hostIndex({ ...plan, failover: false }, 1, true)).toBe(0);
  });

  it('counts connection failures only: a reply of any kind means the host answered', () => {
    const chooser = hostChooser(plan);
    const call = { idempotent: true };
    chooser.failed(call, new ChatApiError('FAIL', { code: 60018, info: 'busy', operation: 'x', retryable: true, attempts: 1 }));
    chooser.failed(call, new ChatApiError('timed out', { code: TransportCode.timeout, info: 't', operation: 'x', retryable: true, attempts: 1 }));
    expect(chooser.baseUrlFor(call)).toBe('https://a');
    const network = new ChatApiError('down', { code: TransportCode.network, info: 'n', operation: 'x', retryable: true, attempts: 1 });
    expect(isConnectionFailure(network)).toBe(true);
    chooser.failed(call, network);
    expect(chooser.baseUrlFor(call)).toBe('https://b');
    expect(chooser.baseUrlFor({ idempotent: true })).toBe('https://a');
  });
});

describe('a client with failover', () => {
  it('sends the retry to the backup host when the primary host cannot be reached, and succeeds', async () => {
    const wire = fetchWith(['adminapisgp.im.qcloud.com']);
    const chat = client({ region: 'singapore', failover: true, fetch: wire.fetch });
    await expect(chat.getFriendLists({ From_Account: 'user1' })).resolves.toMatchObject({ ActionStatus: 'OK' });
    expect(wire.hosts).toEqual(['adminapisgp.im.qcloud.com', 'adminapisgp.my-imcloud.com']);
  });

  it('stays on the primary host without failover, and fails with NETWORK_ERROR after its attempts', async () => {
    const wire = fetchWith(['adminapisgp.im.qcloud.com']);
    const chat = client({ region: 'singapore', fetch: wire.fetch });
    const error = await chat.getFriendLists({ From_Account: 'user1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect((error as ChatApiError).code).toBe(TransportCode.network);
    expect(new Set(wire.hosts)).toEqual(new Set(['adminapisgp.im.qcloud.com']));
    expect(wire.hosts).toHaveLength(3);
  });

  it('sends to the backup host first with host: backup, and back to the primary on a failed connection', async () => {
    const wire = fetchWith(['adminapi.my-imcloud.com']);
    const chat = client({ host: 'backup', failover: true, fetch: wire.fetch });
    await chat.getFriendLists({ From_Account: 'user1' });
    expect(wire.hosts).toEqual(['adminapi.my-imcloud.com', 'console.tim.qq.com']);
  });

  it('does not change host when the host answered with a FAIL envelope', async () => {
    const wire = fetchWith([], { ActionStatus: 'FAIL', ErrorCode: 30006, ErrorInfo: 'internal error' });
    const chat = client({ region: 'seoul', failover: true, fetch: wire.fetch });
    await expect(chat.getFriendLists({ From_Account: 'user1' })).rejects.toMatchObject({ code: 30006 });
    expect(new Set(wire.hosts)).toEqual(new Set(['adminapikr.im.qcloud.com']));
  });
});
