// One attempt of one operation: the request on the wire, its time limit, the reply's classification, and credential
// redaction of anything that escapes from fetch. Attempts call fetch(url, init) with a string body directly: going
// through openapi-fetch and its middleware built three Request objects per call and sent the body chunked, which cost
// more CPU than everything else the client does (bench/RESULTS.md). openapi-fetch remains the `client.api` surface.
import { ChatApiError, TransportCode, redactError } from './errors.js';
import { attemptSignal } from './attempt-signal.js';
import { readEnvelope, httpError } from './envelope.js';

export interface AttemptContext {
  baseUrl: string;
  /** The caller's fetch, which takes a Request; undefined for the platform's fetch. */
  fetch: ((input: Request) => Promise<Response>) | undefined;
  /** The query string of the next attempt (auth parameters with a fresh random). */
  query: () => Promise<string>;
  timeoutMs: number;
  /** The secrets to scrub from errors (the key and recent usersigs); asked for only when there is an error. */
  secrets: () => readonly string[];
}

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

function requestHeaders(extra: HeadersInit | undefined): HeadersInit {
  if (extra === undefined) return JSON_HEADERS;
  const headers = new Headers(extra);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return headers;
}

function parseProblem(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends one attempt; `body` is the request body already serialized as JSON. */
export async function sendAttempt(
  ctx: AttemptContext,
  operation: string,
  path: string,
  body: string,
  callerSignal: AbortSignal | undefined,
  headers?: HeadersInit,
): Promise<Record<string, unknown>> {
  const url = `${ctx.baseUrl}${path}?${await ctx.query()}`;
  const limit = attemptSignal(ctx.timeoutMs, callerSignal);
  try {
    const init: RequestInit = { method: 'POST', body, headers: requestHeaders(headers), signal: limit.signal };
    const response = ctx.fetch ? await ctx.fetch(new Request(url, init)) : await fetch(url, init);
    const text = await response.text();
    if (!response.ok) throw httpError(operation, response.status, parseProblem(text), ctx.secrets);
    return readEnvelope(operation, text, response.status, ctx.secrets);
  } catch (error) {
    if (error instanceof ChatApiError) throw error;
    const cause = redactError(error, ctx.secrets());
    const why = limit.reason();
    if (why === 'timeout') {
      throw new ChatApiError(`${operation}: no reply within ${ctx.timeoutMs} ms`, {
        code: TransportCode.timeout, info: `timed out after ${ctx.timeoutMs} ms`, operation, retryable: true, attempts: 1, cause,
      });
    }
    if (why === 'aborted') {
      throw new ChatApiError(`${operation}: aborted by the caller`, {
        code: TransportCode.aborted, info: 'aborted by the caller', operation, retryable: false, attempts: 1, cause,
      });
    }
    const detail = cause instanceof Error ? describeNetworkError(cause) : String(cause);
    throw new ChatApiError(`${operation}: network error: ${detail}`, {
      code: TransportCode.network, info: detail, operation, retryable: true, attempts: 1, cause,
    });
  } finally {
    limit.dispose();
  }
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
