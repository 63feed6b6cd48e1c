// One attempt of one operation through the openapi-fetch client: time limit, reply classification, and credential
// redaction of anything that escapes from fetch.
import type { Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi.js';
import { ChatApiError, TransportCode, redactError } from './errors.js';
import { attemptSignal } from './attempt-signal.js';
import { readEnvelope, httpError } from './envelope.js';
import { stringifyJson } from './json.js';

export interface AttemptContext {
  api: Client<paths>;
  timeoutMs: number;
  /** The secrets to scrub from errors that come out of fetch (the key and recent usersigs). */
  secrets: () => readonly string[];
}

type AnyPath = keyof paths;

export async function sendAttempt(
  ctx: AttemptContext,
  operation: string,
  path: string,
  body: unknown,
  callerSignal: AbortSignal | undefined,
  headers?: HeadersInit,
): Promise<Record<string, unknown>> {
  const limit = attemptSignal(ctx.timeoutMs, callerSignal);
  try {
    // The path and body are checked against the document before this point; openapi-fetch's per-path generics
    // cannot follow a path chosen at run time, hence the widening here.
    const { data, error, response } = await ctx.api.POST(path as AnyPath, {
      body: body as never,
      bodySerializer: stringifyJson,
      parseAs: 'text',
      signal: limit.signal,
      ...(headers === undefined ? {} : { headers }),
    });
    if (!response.ok) throw httpError(operation, response.status, error, ctx.secrets());
    return readEnvelope(operation, data as string | undefined, response.status, ctx.secrets());
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
