// createChatClient's options are checked up front: each bad one throws a TypeError naming the field, and a credential
// never appears in the message.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/types.js';
import { regions } from '../../generated/api-facts.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { IDENTIFIER, SDK_APP_ID, SECRET_KEY, countingFetch, flushIo } from './helpers.js';

const base = { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY };
const USER_SIG = 'eJw1isEOgjAQBf9lrxooWECbeDAmnNQLGrlWuzarUktbjcH47yaA7-Zm5gP7TRW90IGANGIw7T8pNIEu1GOp';

function thrownBy(options: Record<string, unknown>): TypeError {
  let thrown: unknown;
  try {
    createChatClient(options as unknown as ChatClientOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `options ${inspect(options)} were accepted`).toBeInstanceOf(TypeError);
  return thrown as TypeError;
}

const withoutKey = (options: Record<string, unknown>): Record<string, unknown> => {
  const { secretKey: _key, ...rest } = options;
  return rest;
};

interface BadCase {
  name: string;
  options: Record<string, unknown>;
  field: string;
}

const badCases: BadCase[] = [
  { name: 'sdkAppId 0', options: { ...base, sdkAppId: 0 }, field: 'sdkAppId' },
  { name: 'sdkAppId 1.5', options: { ...base, sdkAppId: 1.5 }, field: 'sdkAppId' },
  { name: "sdkAppId '1'", options: { ...base, sdkAppId: '1' }, field: 'sdkAppId' },
  { name: 'sdkAppId missing', options: withoutKey({ ...base, sdkAppId: undefined }), field: 'sdkAppId' },
  { name: "identifier ''", options: { ...base, identifier: '' }, field: 'identifier' },
  { name: 'identifier 42', options: { ...base, identifier: 42 }, field: 'identifier' },
  { name: 'both secretKey and userSig', options: { ...base, userSig: USER_SIG }, field: 'secretKey' },
  { name: 'neither secretKey nor userSig', options: withoutKey(base), field: 'secretKey' },
  { name: "secretKey ''", options: { ...base, secretKey: '' }, field: 'secretKey' },
  { name: "userSig ''", options: { ...withoutKey(base), userSig: '' }, field: 'userSig' },
  { name: "region 'mars'", options: { ...base, region: 'mars' }, field: 'region' },
  { name: 'region and baseUrl', options: { ...base, region: 'singapore', baseUrl: 'https://example.com' }, field: 'region' },
  { name: "baseUrl 'http://example.com'", options: { ...base, baseUrl: 'http://example.com' }, field: 'baseUrl' },
  { name: "baseUrl 'http://127.0.0.1.example.com'", options: { ...base, baseUrl: 'http://127.0.0.1.example.com' }, field: 'baseUrl' },
  { name: "baseUrl 'ftp://127.0.0.1'", options: { ...base, baseUrl: 'ftp://127.0.0.1' }, field: 'baseUrl' },
  { name: "baseUrl 'not a url'", options: { ...base, baseUrl: 'not a url' }, field: 'baseUrl' },
  { name: 'baseUrl with a query string', options: { ...base, baseUrl: 'https://example.com/api?x=1' }, field: 'baseUrl' },
  { name: 'baseUrl with an empty query string', options: { ...base, baseUrl: 'https://example.com/api?' }, field: 'baseUrl' },
  { name: 'baseUrl with a fragment', options: { ...base, baseUrl: 'https://example.com/api#top' }, field: 'baseUrl' },
  { name: 'baseUrl with credentials', options: { ...base, baseUrl: 'https://user:pw@example.com' }, field: 'baseUrl' },
  { name: 'userSigLifetimeSeconds below a minute', options: { ...base, userSigLifetimeSeconds: 59 }, field: 'userSigLifetimeSeconds' },
  { name: 'userAgent empty', options: { ...base, userAgent: '' }, field: 'userAgent' },
  { name: 'hooks.onRetry not a function', options: { ...base, hooks: { onRetry: 1 } }, field: 'hooks.onRetry' },
  { name: 'retry.rateLimitResends negative', options: { ...base, retry: { rateLimitResends: -1 } }, field: 'retry.rateLimitResends' },
  { name: 'retry.maxRetryAfterMs negative', options: { ...base, retry: { maxRetryAfterMs: -1 } }, field: 'retry.maxRetryAfterMs' },
  { name: 'retry.attempts (renamed)', options: { ...base, retry: { attempts: 3 } }, field: 'retry.attempts' },
  { name: 'retry.rateLimitRetries (renamed)', options: { ...base, retry: { rateLimitRetries: 5 } }, field: 'retry.rateLimitRetries' },
  { name: 'retry with an unknown key', options: { ...base, retry: { retry: 3 } }, field: 'retry.retry' },
  { name: 'rateLimit for an unknown operation', options: { ...base, rateLimit: { getEverything: 5 } }, field: 'rateLimit.getEverything' },
  { name: 'instances 0', options: { ...base, instances: 0 }, field: 'instances' },
  { name: 'quota without take', options: { ...base, quota: { report() {}, rate() {} } }, field: 'quota' },
  { name: 'timeoutMs 0', options: { ...base, timeoutMs: 0 }, field: 'timeoutMs' },
  { name: 'timeoutMs 1.5', options: { ...base, timeoutMs: 1.5 }, field: 'timeoutMs' },
  { name: 'retry {retries: -1}', options: { ...base, retry: { retries: -1 } }, field: 'retry.retries' },
  { name: 'retry {baseDelayMs: -1}', options: { ...base, retry: { baseDelayMs: -1 } }, field: 'retry.baseDelayMs' },
  { name: 'retry {maxDelayMs below baseDelayMs}', options: { ...base, retry: { baseDelayMs: 100, maxDelayMs: 10 } }, field: 'retry.maxDelayMs' },
  { name: 'retry true', options: { ...base, retry: true }, field: 'retry' },
  { name: 'rateLimit -1', options: { ...base, rateLimit: -1 }, field: 'rateLimit' },
  { name: 'rateLimit 0', options: { ...base, rateLimit: 0 }, field: 'rateLimit' },
  { name: 'rateLimit true', options: { ...base, rateLimit: true }, field: 'rateLimit' },
  { name: 'chunkSize 0', options: { ...base, chunkSize: 0 }, field: 'chunkSize' },
  { name: 'chunkConcurrency 0', options: { ...base, chunkConcurrency: 0 }, field: 'chunkConcurrency' },
  { name: 'userSigLifetimeSeconds -5', options: { ...base, userSigLifetimeSeconds: -5 }, field: 'userSigLifetimeSeconds' },
  { name: "fetch 'yes'", options: { ...base, fetch: 'yes' }, field: 'fetch' },
];

describe('bad options throw a TypeError naming the field, without the key', () => {
  it.each(badCases)('$name → options.$field', ({ options, field }) => {
    const error = thrownBy(options);
    expect(error.message).toContain(`options.${field} `);
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).not.toContain(USER_SIG);
    expect(inspect(error)).not.toContain(SECRET_KEY);
  });

  it('a non-object is refused', () => {
    expect(() => createChatClient(undefined as unknown as ChatClientOptions)).toThrow(TypeError);
  });

  it('a key given as a non-string is not described', () => {
    const error = thrownBy({ ...base, secretKey: 12345678901234567890 });
    expect(error.message).toContain('options.secretKey');
    expect(error.message).not.toContain('1234567890');
  });
});

describe('good options are accepted', () => {
  let fake: FakeUpstream;
  beforeEach(async () => {
    fake = await startFakeUpstream();
  });
  afterEach(async () => {
    await fake.close();
  });

  it.each(['http://127.0.0.1:1', 'http://localhost:8080/', 'http://[::1]:9000', 'https://example.com/prefix/'])('baseUrl %s', (baseUrl) => {
    expect(() => createChatClient({ ...base, baseUrl })).not.toThrow();
  });

  it.each(Object.keys(regions))('region %s', (region) => {
    expect(() => createChatClient({ ...base, region: region as keyof typeof regions })).not.toThrow();
  });

  it('a pre-made userSig alone, and every option at a valid value', () => {
    expect(() =>
      createChatClient({
        sdkAppId: SDK_APP_ID,
        identifier: IDENTIFIER,
        userSig: USER_SIG,
        baseUrl: fake.url,
        timeoutMs: 1,
        retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0, rateLimitResends: 0, maxRetryAfterMs: 0 },
        rateLimit: 1,
        chunkSize: 1,
        chunkConcurrency: 1,
        userSigLifetimeSeconds: 60,
        fetch: (request) => globalThis.fetch(request),
      }),
    ).not.toThrow();
  });

  it('a trailing slash on baseUrl does not double the path separator', async () => {
    const client = createChatClient({ ...base, baseUrl: `${fake.url}/`, rateLimit: false });
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests[0]?.path).toBe('/v4/sns/group_get');
  });

  it('a baseUrl with a path prefix keeps it', async () => {
    const client = createChatClient({ ...base, baseUrl: `${fake.url}/proxy/tim`, rateLimit: false });
    await client.getFriendLists({ From_Account: 'alice' });
    expect(fake.requests[0]?.path).toBe('/proxy/tim/v4/sns/group_get');
  });

  it('creating a client sends nothing', async () => {
    const wire = countingFetch();
    createChatClient({ ...base, baseUrl: fake.url, fetch: wire.fetch });
    await flushIo();
    expect(wire.count()).toBe(0);
  });
});
