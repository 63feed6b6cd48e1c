// Envelope check: a reply becomes the success envelope or a ChatApiError. Every TIM reply is an envelope, even a
// failure; a non-2xx reply that carries one (a 5xx from the vendor's own front end) keeps its ErrorCode and
// ErrorInfo. A redirect is an HTTP error: the vendor does not redirect, and following one would carry the usersig
// away. Text quoted from a reply is scrubbed of the attempt's secrets (a server may echo the request URL).
import { ChatApiError, TransportCode, scrubSecrets } from '../errors.js';
import { readEnvelope, httpError } from '../envelope.js';
import { parseJson } from '../json.js';
import type { Attempt, Exchange, RawReply, Send } from './context.js';

/** A reply as `client.api` hands it back: its status and its body scrubbed of the attempt's secrets. */
export interface ScrubbedReply {
  status: number;
  text: string;
}

const replies = new WeakMap<ChatApiError, ScrubbedReply>();

/** The reply an error was made from, when there was one (for `client.api`, which hands replies back as they are). */
export function replyBehind(error: ChatApiError): ScrubbedReply | undefined {
  return replies.get(error);
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseBody(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

function withRetryAfter(error: ChatApiError, waitMs: number | undefined): ChatApiError {
  if (waitMs === undefined) return error;
  return new ChatApiError(error.message, {
    code: error.code, info: error.info, display: error.display, operation: error.operation, httpStatus: error.httpStatus,
    retryable: error.retryable, attempts: error.attempts, cause: error.cause, retryAfterMs: waitMs,
  });
}

function failedReply(attempt: Attempt, raw: RawReply, secrets: readonly string[]): ChatApiError {
  const { name } = attempt.call;
  const { status } = raw;
  if (status >= 300 && status < 400) {
    return new ChatApiError(`${name}: HTTP ${status} redirect from the server, not followed`, {
      code: TransportCode.http, info: `HTTP ${status} redirect (not followed)`, operation: name, httpStatus: status, retryable: false, attempts: 1,
    });
  }
  // A non-2xx reply may still be a TIM envelope (a 5xx from the vendor's front end): httpError keeps its ErrorCode.
  return withRetryAfter(httpError(name, status, parseBody(raw.text), () => secrets), retryAfterMs(raw.headers));
}

export function envelopeStage(secrets: (attempt: Attempt) => readonly string[]): (send: Send) => Exchange {
  return (send) => async (attempt) => {
    const raw = await send(attempt);
    try {
      if (raw.status < 200 || raw.status > 299) throw failedReply(attempt, raw, secrets(attempt));
      return readEnvelope(attempt.call.name, raw.text, raw.status, () => secrets(attempt));
    } catch (error) {
      if (error instanceof ChatApiError) replies.set(error, { status: raw.status, text: scrubSecrets(raw.text, secrets(attempt)) });
      throw error;
    }
  };
}
