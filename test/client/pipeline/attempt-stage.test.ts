// attempt: one request handed to fetch with the headers, the body, redirect 'manual' and the attempt's signal;
// the reply read whole; hooks told before and after; failures without a reply mapped to transport codes.
import { expect, it } from 'vitest';
import { attemptStage } from '../../../src/pipeline/attempt-stage.js';
import { TransportCode } from '../../../src/errors.js';
import type { ReplyEvent, RequestEvent } from '../../../src/pipeline/hooks.js';
import { makeAttempt, makeCall } from './support.js';

const defaults = { 'content-type': 'application/json', 'user-agent': 'tim-rest-client' };

it('hands fetch a POST with the JSON body, merged headers and redirect manual; marks the attempt sent', async () => {
  const seen: Request[] = [];
  const events: (RequestEvent | ReplyEvent)[] = [];
  const send = attemptStage({
    fetch: async (request) => (seen.push(request), new Response('{"ok":1}', { status: 200 })),
    headers: defaults,
    maxReplyBytes: 1000,
    hooks: { onRequest: (event) => events.push(event), onReply: (event) => events.push(event) },
    secrets: () => [],
  });
  const attempt = makeAttempt(makeCall({ headers: { 'x-call': '1' } }));
  const reply = await send(attempt);
  expect(reply).toMatchObject({ status: 200, text: '{"ok":1}' });
  expect(attempt.sent).toBe(true);
  const [request] = seen;
  expect(request?.method).toBe('POST');
  expect(request?.redirect).toBe('manual');
  expect(await request?.text()).toBe(attempt.json);
  expect(Object.fromEntries(request?.headers ?? [])).toMatchObject({ ...defaults, 'x-call': '1' });
  expect(events.map((event) => ('status' in event ? `reply ${event.status}` : `request ${event.attempt}`))).toEqual(['request 1', 'reply 200']);
});

it('a network failure is NETWORK_ERROR with the cause scrubbed of the attempt’s sig', async () => {
  const send = attemptStage({
    fetch: async (request) => {
      throw new TypeError('fetch failed', { cause: new Error(`connect ECONNRESET ${request.url}`) });
    },
    headers: defaults, maxReplyBytes: 1000, hooks: {}, secrets: (attempt) => [attempt.userSig ?? ''],
  });
  const error = (await send(makeAttempt()).catch((e: unknown) => e)) as Error;
  expect(error).toMatchObject({ code: TransportCode.network, retryable: true });
  expect(JSON.stringify(String((error.cause as Error).cause))).not.toContain('SIG');
});
