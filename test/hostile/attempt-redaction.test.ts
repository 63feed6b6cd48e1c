// The usersig never reaches an error, whatever carries it: a custom fetch rejecting with a value that is not an
// Error, a pre-made sig whose `+ / =` only appear percent-encoded in an echoed page, a sig so old that many re-signs
// happened since its attempt started, and the Response that `client.api` hands back.
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { createChatClient } from '../../src/client.js';
import { genUserSig } from '../../src/user-sig.js';
import { ChatApiError } from '../../src/errors.js';
import { SECRET_KEY, clientWithFetch, okReply, sigOf } from './attempt-support.js';

/** Everything a log could show of an error: message, stack, JSON and the inspected cause chain. */
const everything = (error: unknown): string => `${String(error)}\n${(error as Error).stack}\n${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}`;

const leaks = (text: string, sig: string): string[] =>
  [sig, encodeURIComponent(sig), encodeURIComponent(sig).toLowerCase()].filter((form) => text.includes(form));

/** A gateway page that quotes the request URL, as some proxies do. */
const echoPage = (request: Request): Response =>
  new Response(`<html><body>502 Bad Gateway while fetching ${request.url}</body></html>`, { status: 502, headers: { 'content-type': 'text/html' } });

it('a custom fetch rejecting with a plain object that holds the URL: the cause is a scrubbed Error, not the object', async () => {
  let sent = '';
  const client = clientWithFetch(async (request) => {
    sent = sigOf(request);
    throw { url: request.url, note: 'not an Error' }; // eslint-disable-line @typescript-eslint/only-throw-error
  }, { retry: false });
  const error = await client.getFriendLists({ From_Account: 'alice' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatApiError);
  expect(sent).not.toBe('');
  expect((error as Error).cause).toBeInstanceOf(Error);
  expect(leaks(everything(error), sent)).toEqual([]);
  expect(String(((error as Error).cause as Error).message)).toContain('usersig=[redacted]');
});

it('a custom fetch rejecting with a string that holds the URL: scrubbed too', async () => {
  let sent = '';
  const client = clientWithFetch(async (request) => {
    sent = sigOf(request);
    throw `could not reach ${request.url}`; // eslint-disable-line @typescript-eslint/only-throw-error
  }, { retry: false });
  const error = await client.getFriendLists({ From_Account: 'alice' }).catch((e: unknown) => e);
  expect(leaks(everything(error), sent)).toEqual([]);
});

it('a pre-made usersig with + / = echoed percent-encoded by a gateway page is scrubbed in that form', async () => {
  const userSig = 'eJyr+Vi/sig+with/slashes==';
  const client = createChatClient({ sdkAppId: 1400000000, identifier: 'administrator', userSig, rateLimit: false, retry: false, fetch: async (request) => echoPage(request) });
  const error = await client.getFriendLists({ From_Account: 'alice' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatApiError);
  expect((error as ChatApiError).httpStatus).toBe(502);
  expect(encodeURIComponent(userSig)).not.toBe(userSig); // the encoded form differs, so the check below means something
  expect(leaks(everything(error), userSig)).toEqual([]);
});

it("a FAIL envelope quoting an old attempt's sig, after many re-signs since, is scrubbed of that sig", async () => {
  let release: (() => void) | undefined;
  let oldSig = '';
  const firstSigOf = new Map<string, string>();
  const sigs = new Set<string>();
  const client = clientWithFetch(async (request) => {
    const sig = sigOf(request);
    sigs.add(sig);
    const body = (await request.json()) as { From_Account: string };
    if (body.From_Account === 'slow') {
      oldSig = sig;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return okReply({ ActionStatus: 'FAIL', ErrorCode: 30004, ErrorInfo: `not an admin: ${request.url} (sig ${sig})` });
    }
    // Each other call is told its first sig expired, so the client signs a new one and sends the call again.
    if (!firstSigOf.has(body.From_Account)) firstSigOf.set(body.From_Account, sig);
    return sig === firstSigOf.get(body.From_Account) ? okReply({ ActionStatus: 'FAIL', ErrorCode: 70001, ErrorInfo: 'usersig expired' }) : okReply();
  });
  const slow = client.getFriendLists({ From_Account: 'slow' }).catch((e: unknown) => e);
  while (release === undefined) await new Promise((resolve) => setImmediate(resolve));
  // Eight re-signs while the slow call is in flight: more sigs than a fixed history would keep.
  for (let i = 0; i < 8; i++) await client.getFriendLists({ From_Account: `resign${i}` });
  expect(sigs.size).toBe(9);
  release();
  const error = await slow;
  expect(error).toBeInstanceOf(ChatApiError);
  expect((error as ChatApiError).code).toBe(30004);
  expect(leaks(everything(error), oldSig)).toEqual([]);
  expect((error as ChatApiError).info).toContain('usersig=[redacted]');
});

it('client.api: the Response it hands back carries no usersig (no URL), on success and on failure', async () => {
  const sigs: string[] = [];
  let fail = false;
  const client = clientWithFetch(async (request) => {
    sigs.push(sigOf(request));
    return fail ? echoPage(request) : okReply({ ResultItem: [] });
  }, { retry: false });
  const ok = await client.api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
  fail = true;
  const bad = await client.api.POST('/v4/sns/group_get', { body: { From_Account: 'alice' } });
  expect(sigs.every((sig) => sig.length > 0)).toBe(true);
  for (const { response } of [ok, bad]) {
    expect(response.url).not.toContain('usersig');
    expect(leaks(response.url, sigs[0] ?? '')).toEqual([]);
  }
  expect(bad.response.status).toBe(502);
  expect(leaks(JSON.stringify(bad.error), sigs[0] ?? '')).toEqual([]);
});

it('a test-sized secret key scrubs whole tokens only: messages are not garbled', async () => {
  const client = createChatClient({
    sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'k', rateLimit: false, retry: false,
    fetch: async () => okReply({ ActionStatus: 'FAIL', ErrorCode: 30001, ErrorInfo: 'bad chunk of key k' }),
  });
  const error = (await client.getFriendLists({ From_Account: 'alice' }).catch((e: unknown) => e)) as ChatApiError;
  expect(error.info).toBe('bad chunk of key [redacted]');
});

it('signs with the key and never sends it', async () => {
  const requests: string[] = [];
  const client = clientWithFetch(async (request) => {
    requests.push(`${request.url}\n${[...request.headers].join('\n')}\n${await request.text()}`);
    return okReply();
  });
  await client.getFriendLists({ From_Account: 'alice' });
  expect(requests.join('\n')).not.toContain(SECRET_KEY);
  const expected = await genUserSig({ sdkAppId: 1400000000, identifier: 'administrator', secretKey: SECRET_KEY, expireSeconds: 86_400 });
  expect(expected.length).toBeGreaterThan(0);
});
