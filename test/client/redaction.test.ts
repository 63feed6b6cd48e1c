// Credentials never leak through an error: whatever a caller logs — JSON.stringify, String, util.inspect, the stack,
// any error down the cause chain — holds neither the usersig that was actually sent nor the secret key, even when the
// failure's own text (a fetch error, a gateway page, ErrorInfo) quotes the request URL.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatApiError, TransportCode } from '../../src/errors.js';
import { genUserSig } from '../../src/user-sig.js';
import { reply, startFakeUpstream, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';
import { IDENTIFIER, SDK_APP_ID, SECRET_KEY, accountsNamed, makeClient, makeUserSigClient, rejection, specifiedFriendsBody } from './helpers.js';

let fake: FakeUpstream;
beforeEach(async () => {
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await fake.close();
});

/** Every way a caller might turn the error into text, for the error and each error down its cause chain. */
function renderings(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 10 }), safeJson(error)];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    out.push(String(current), inspect(current, { depth: 10, showHidden: true }), safeJson(current));
    if (current instanceof Error) {
      out.push(current.message, current.stack ?? '');
      for (const value of Object.values(current)) out.push(typeof value === 'string' ? value : inspect(value, { depth: 10 }));
      current = current.cause;
    } else {
      current = undefined;
    }
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `unserializable: ${String(error)}`;
  }
}

/** The usersig as sent, in every spelling it could take in a URL or a page. */
function sigSpellings(request: RecordedRequest | undefined): string[] {
  const sig = request?.query['usersig'];
  expect(sig, 'the request carried a usersig').toBeTruthy();
  return [sig as string, encodeURIComponent(sig as string)];
}

/** Neither a credential nor any 24-character run of one (a truncated quote of a usersig is still a leak). */
function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  expect(error).toBeInstanceOf(ChatApiError);
  const texts = renderings(error);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(24);
    for (let start = 0; start + 24 <= secret.length; start++) {
      const piece = secret.slice(start, start + 24);
      for (const text of texts) expect(text.includes(piece), `a rendering of the error contains part of a credential (${piece}):\n${text}`).toBe(false);
    }
  }
}

/** A gateway error page that quotes the request line, as proxies do. */
const echoingGatewayPage = (request: RecordedRequest, status = 502): ReturnType<typeof reply.raw> =>
  reply.raw(
    `<html><body><h1>${status} Bad Gateway</h1><p>The upstream failed for POST ${request.path}?${request.rawQuery}</p></body></html>`,
    status,
    'text/html',
  );

describe('errors from each failure path hold no usersig and no key', () => {
  it('connection reset (NETWORK_ERROR)', async () => {
    fake.handle(() => reply.reset());
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error.code).toBe(TransportCode.network);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('time limit (TIMEOUT)', async () => {
    fake.handle(() => reply.hang());
    const error = await rejection(makeClient(fake, { timeoutMs: 50, retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error.code).toBe(TransportCode.timeout);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('caller abort (ABORTED)', async () => {
    fake.handle(() => reply.hang());
    const controller = new AbortController();
    const pending = makeClient(fake).getFriendLists({ From_Account: 'alice' }, { signal: controller.signal });
    await fake.waitForRequests(1);
    controller.abort();
    const error = await rejection(pending);
    expect(error.code).toBe(TransportCode.aborted);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('FAIL envelope whose ErrorInfo quotes the usersig', async () => {
    fake.handle((request) => reply.fail(70003, `usersig invalid: ${request.query['usersig']}`, { ErrorDisplay: `bad sig ${request.query['usersig']}` }));
    const error = await rejection(makeClient(fake).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: 70003, operation: 'getFriendLists' });
    expect(error.info).toContain('usersig invalid');
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('HTTP 502 whose HTML page quotes the request URL', async () => {
    fake.handle((request) => echoingGatewayPage(request));
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 502 });
    expect(error.message).toContain('/v4/sns/group_get');
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('HTTP 502 with a problem+json detail that quotes the request URL', async () => {
    fake.handle((request) => reply.json({ title: 'Bad Gateway', detail: `upstream failed for ${request.path}?${request.rawQuery}` }, 502));
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error.httpStatus).toBe(502);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('a 200 reply that is not JSON and starts with the query string (INVALID_JSON)', async () => {
    fake.handle((request) => reply.raw(`${request.rawQuery} was not understood`, 200, 'text/plain'));
    const error = await rejection(makeClient(fake, { retry: false }).getFriendLists({ From_Account: 'alice' }));
    expect(error.code).toBe(TransportCode.invalidJson);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('a bad body (INVALID_REQUEST) after earlier calls that did send the usersig', async () => {
    const client = makeClient(fake);
    await client.getFriendLists({ From_Account: 'alice' });
    const error = await rejection(client.getSpecifiedFriends({ From_Account: 'alice', To_Account: [], TagList: ['nope' as never] }));
    expect(error.code).toBe(TransportCode.invalidRequest);
    expect(fake.requests).toHaveLength(1);
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(fake.requests[0])]);
  });

  it('a failed chunk of a split call, whose page quotes the URL', async () => {
    fake.handle((request) =>
      (request.json() as { To_Account: string[] }).To_Account[0] === 'user100' ? echoingGatewayPage(request, 503) : reply.ok({ InfoItem: [] }),
    );
    const error = await rejection(makeClient(fake, { retry: false }).getSpecifiedFriends(specifiedFriendsBody(accountsNamed(150))));
    expect(error.chunk?.index).toBe(1);
    const failed = fake.requests.find((request) => request.rawBody.includes('"user100"'));
    expectNoSecrets(error, [SECRET_KEY, ...sigSpellings(failed)]);
  });
});

describe('a fetch whose error quotes the full request URL', () => {
  it('is reported as NETWORK_ERROR with the URL’s usersig scrubbed from message, stack and causes', async () => {
    const sent: string[] = [];
    const client = makeClient(fake, {
      retry: false,
      fetch: async (request: Request) => {
        sent.push(request.url);
        const inner = Object.assign(new Error(`connect ECONNREFUSED for ${request.url}`), { code: 'ECONNREFUSED', url: request.url });
        throw new TypeError(`fetch failed: ${request.method} ${request.url}`, { cause: inner });
      },
    });
    const error = await rejection(client.getFriendLists({ From_Account: 'alice' }));
    expect(sent).toHaveLength(1);
    const sig = new URL(sent[0] as string).searchParams.get('usersig') ?? '';
    expect(sig.length).toBeGreaterThan(20);

    expect(error).toMatchObject({ code: TransportCode.network, operation: 'getFriendLists', retryable: true, attempts: 1 });
    expectNoSecrets(error, [SECRET_KEY, sig, encodeURIComponent(sig)]);
    // What is useful stays: the error code, the rest of the URL, and the scrubbed place of the usersig.
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('/v4/sns/group_get');
    expect(error.message).toContain('[redacted]');
    const cause = error.cause as Error & { cause?: Error & { code?: string } };
    expect(cause.cause?.code).toBe('ECONNREFUSED');
  });

  it('scrubs a pre-made usersig too', async () => {
    const premade = await genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 3600 });
    const client = makeUserSigClient(fake, premade, {
      retry: false,
      fetch: async (request: Request) => {
        throw new TypeError(`fetch failed: ${request.url}`);
      },
    });
    const error = await rejection(client.getFriendLists({ From_Account: 'alice' }));
    expectNoSecrets(error, [premade]);
  });

  it('the check above is not vacuous: the raw fetch error does contain the usersig', async () => {
    let raw: unknown;
    const client = makeClient(fake, {
      retry: false,
      fetch: async (request: Request) => {
        raw = new TypeError(`fetch failed: ${request.url}`);
        throw raw;
      },
    });
    await rejection(client.getFriendLists({ From_Account: 'alice' }));
    expect(String(raw)).toMatch(/usersig=[^&]{20,}/);
  });
});

describe('options errors never quote a credential', () => {
  it('the key or a usersig given where it does not belong is not echoed', async () => {
    const { createChatClient } = await import('../../src/client.js');
    const attempts: unknown[] = [
      { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, userSig: `sig-${SECRET_KEY}` },
      { sdkAppId: 0, identifier: IDENTIFIER, secretKey: SECRET_KEY },
      { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, region: 'mars' },
      { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, timeoutMs: -1 },
    ];
    for (const options of attempts) {
      let thrown: unknown;
      try {
        createChatClient(options as Parameters<typeof createChatClient>[0]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      for (const text of renderings(thrown)) expect(text).not.toContain(SECRET_KEY);
    }
  });
});
