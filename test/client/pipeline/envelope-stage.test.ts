// envelope check: success envelopes pass, everything else becomes a ChatApiError: FAIL envelopes, non-2xx replies
// (keeping a TIM envelope's ErrorCode), redirects (never retried), with Retry-After and the reply kept for client.api.
import { expect, it } from 'vitest';
import { envelopeStage, retryAfterMs } from '../../../src/pipeline/envelope-stage.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { RawReply } from '../../../src/pipeline/context.js';
import { makeAttempt, ok, raw } from './support.js';

const check = (reply: RawReply) => envelopeStage(async () => reply)(makeAttempt());
const failure = (reply: RawReply) => check(reply).then(() => undefined, (error: unknown) => error as ChatApiError);

it('a success envelope is the result', async () => {
  expect(await check(raw(200, ok({ ResultItem: [] })))).toMatchObject({ ActionStatus: 'OK', ResultItem: [] });
});

it('a 5xx carrying a TIM envelope keeps its ErrorCode and ErrorInfo', async () => {
  const error = await failure(raw(503, { ActionStatus: 'FAIL', ErrorCode: 70500, ErrorInfo: 'server busy' }));
  expect(error).toMatchObject({ code: 70500, info: 'server busy', httpStatus: 503, retryable: true });
});

it('a redirect is an HTTP error that is not retried', async () => {
  const error = await failure(raw(307, '', { location: 'https://elsewhere.example/' }));
  expect(error).toMatchObject({ code: TransportCode.http, httpStatus: 307, retryable: false });
});

it('429 and 503 carry the Retry-After wait, in seconds or as a date; other statuses do not', async () => {
  expect(await failure(raw(429, { title: 'slow down' }, { 'retry-after': '3' }))).toMatchObject({ httpStatus: 429, retryAfterMs: 3000 });
  expect(await failure(raw(503, 'busy', { 'retry-after': '7' }))).toMatchObject({ httpStatus: 503, retryAfterMs: 7000 });
  expect((await failure(raw(500, 'oops', { 'retry-after': '7' })))?.retryAfterMs).toBeUndefined();
  expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 25 Nov 2026 12:00:05 GMT' }), Date.parse('Wed, 25 Nov 2026 12:00:00 GMT'))).toBe(5000);
  expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
});

it('the reply behind an error is kept for client.api, scrubbed of the attempt’s sig', async () => {
  const error = await failure(raw(200, { ActionStatus: 'FAIL', ErrorCode: 30004, ErrorInfo: 'sig SIG is not admin' }));
  expect(error).toBeInstanceOf(ChatApiError);
  expect(error?.reply).toEqual({ status: 200, body: { ActionStatus: 'FAIL', ErrorCode: 30004, ErrorInfo: 'sig [redacted] is not admin' } });
  expect(error?.attempts).toBe(1);
});
