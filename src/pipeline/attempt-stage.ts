// Attempt with time limit: hands one request to fetch and reads its reply, and guarantees the attempt ends at its
// time limit or on abort whatever fetch does — the response and every body read race the attempt's signal. Redirects
// are not followed (a redirect would carry the usersig in the query to wherever it points), and the body is read
// with a byte cap. Anything that escapes from fetch is scrubbed of the attempt's secrets.
import { ChatApiError, TransportCode, redactError } from '../errors.js';
import { attemptSignal, type AttemptSignal } from '../attempt-signal.js';
import { attemptTimeoutError, callerAbortError } from './failures.js';
import { callHook } from './hook-call.js';
import type { RawReply, Send, SignedAttempt } from './context.js';
import type { ClientHooks, FetchLike, HeadersLike } from '../types.js';

export interface AttemptDeps {
  /** The caller's fetch, which takes a Request; undefined for the platform's fetch. */
  fetch: FetchLike | undefined;
  /** Headers of every request (defaults and user agent), lower-case names. */
  headers: Readonly<Record<string, string>>;
  maxReplyBytes: number;
  hooks: ClientHooks;
}

function requestHeaders(defaults: Readonly<Record<string, string>>, extra: HeadersLike | undefined): HeadersLike {
  if (extra === undefined) return defaults;
  const headers = new Headers(defaults);
  new Headers(extra).forEach((value, name) => headers.set(name, value));
  return headers;
}

function tooLarge(attempt: SignedAttempt, status: number, maxBytes: number): ChatApiError {
  const { name } = attempt.call;
  return new ChatApiError(`${name}: the reply is larger than ${maxBytes} bytes (maxReplyBytes); it was not read`, {
    code: TransportCode.replyTooLarge, info: `reply larger than ${maxBytes} bytes`, operation: name, httpStatus: status, retryable: false, attempts: attempt.sent + 1,
  });
}

async function readCapped(attempt: SignedAttempt, response: Response, maxBytes: number, limit: AttemptSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    response.body?.cancel().catch(() => {});
    throw tooLarge(attempt, response.status, maxBytes);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await limit.race(reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge(attempt, response.status, maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

// fetch reports every network failure as "fetch failed"; the useful part (ECONNRESET, ECONNREFUSED…) is in the cause.
function describeNetworkError(error: Error): string {
  const inner = error.cause;
  if (inner instanceof Error) {
    const code = (inner as Error & { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${inner.message})`;
  }
  return error.message;
}

export function attemptStage(deps: AttemptDeps): Send {
  return async (attempt): Promise<RawReply> => {
    const { call, url, secrets } = attempt;
    const number = attempt.sent + 1;
    const headers = requestHeaders(deps.headers, call.headers);
    await callHook(deps.hooks.onRequest, { operation: call.name, path: call.path, attempt: number, headers: new Headers(headers) });
    const limit = attemptSignal(call.timeoutMs, call.signal);
    const started = performance.now();
    let reply: RawReply;
    try {
      const init: RequestInit = { method: 'POST', body: call.json, headers, signal: limit.signal, redirect: 'manual' };
      const response = await limit.race(deps.fetch ? deps.fetch(new Request(url, init)) : fetch(url, init));
      // A browser's fetch answers a redirect it did not follow with an opaque reply of status 0.
      const status = response.type === 'opaqueredirect' ? 302 : response.status;
      reply = { status, headers: response.headers, text: await readCapped(attempt, response, deps.maxReplyBytes, limit) };
    } catch (error) {
      if (error instanceof ChatApiError) throw error;
      const why = limit.reason();
      if (why === 'aborted' || (why === 'timeout' && call.signal?.aborted)) throw callerAbortError(call, number);
      const cause = redactError(error, secrets);
      if (why === 'timeout') throw attemptTimeoutError(call, number, cause);
      const detail = describeNetworkError(cause);
      throw new ChatApiError(`${call.name}: network error: ${detail}`, {
        code: TransportCode.network, info: detail, operation: call.name, retryable: true, attempts: number, cause,
      });
    } finally {
      limit.dispose();
    }
    // Outside the try: a hook that throws fails the call with its own error, not as a network error.
    await callHook(deps.hooks.onReply, { operation: call.name, path: call.path, attempt: number, status: reply.status, durationMs: performance.now() - started });
    return reply;
  };
}
