// attempt: one request handed to fetch with the headers, the body, redirect 'manual' and the attempt's signal;
// the reply read whole; hooks told before and after; failures without a reply mapped to transport codes.
import { expect, it } from 'vitest';
import { attemptStage } from '../../../src/pipeline/attempt-stage.js';
import { TransportCode } from '../../../src/errors.js';
import type { ReplyEvent, RequestEvent } from '../../../src/types.js';
import { makeAttempt, makeCall } from './support.js';

const defaults = { 'content-type': 'application/json', 'user-agent': 'tim-rest-client' };

it('hands fetch a POST with the JSON body, merged headers and redirect manual; hooks see request number sent + 1', async () => {
  const seen: Request[] = [];
  const events: (RequestEvent | ReplyEvent)[] = [];
  const send = attemptStage({
    fetch: async (request) => (seen.push(request), new Response('{"ok":1}', { status: 200 })),
    headers: defaults,
    maxReplyBytes: 1000,
    hooks: { onRequest: (event) => void events.push(event), onReply: (event) => void events.push(event) },
  });
  const attempt = makeAttempt(makeCall({ headers: { 'x-call': '1' } }), { sent: 2 });
  const reply = await send(attempt);
  expect(reply).toMatchObject({ status: 200, text: '{"ok":1}' });
  const [request] = seen;
  expect(request?.method).toBe('POST');
  expect(request?.redirect).toBe('manual');
  expect(await request?.text()).toBe(attempt.call.json);
  expect(Object.fromEntries(request?.headers ?? [])).toMatchObject({ ...defaults, 'x-call': '1' });
  expect(events.map((event) => ('status' in event ? `reply ${event.status}` : `request ${event.attempt}`))).toEqual(['request 3', 'reply 200']);
});

it('a network failure is NETWORK_ERROR with the cause scrubbed of the attempt’s sig', async () => {
  const send = attemptStage({
    fetch: async (request) => {
      throw new TypeError('fetch failed', { cause: new Error(`connect ECONNRESET ${request.url}`) });
    },
    headers: defaults, maxReplyBytes: 1000, hooks: {},
  });
  const error = (await send(makeAttempt()).catch((e: unknown) => e)) as Error;
  expect(error).toMatchObject({ code: TransportCode.network, retryable: true });
  expect(JSON.stringify(String((error.cause as Error).cause))).not.toContain('SIG');
});

it('an async hook that rejects fails the call with its own error, never an unhandled rejection', async () => {
  const broken = new Error('hook broke');
  const send = attemptStage({
    fetch: async () => new Response('{}', { status: 200 }),
    headers: defaults, maxReplyBytes: 1000, hooks: { onReply: async () => Promise.reject(broken) },
  });
  await expect(send(makeAttempt())).rejects.toBe(broken);
  const before = attemptStage({ fetch: async () => { throw new Error('not reached'); }, headers: defaults, maxReplyBytes: 1000, hooks: { onRequest: async () => { throw broken; } } });
  await expect(before(makeAttempt())).rejects.toBe(broken);
});
