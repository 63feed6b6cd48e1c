// Envelope check: a reply becomes the success envelope or a ChatApiError. Every TIM reply is an envelope, even a
// failure; a non-2xx reply that carries one (a 5xx from the vendor's own front end) keeps its ErrorCode and
// ErrorInfo. A redirect is an HTTP error: the vendor does not redirect, and following one would carry the usersig
// away. The error carries the reply it was read from (`reply`), scrubbed of the attempt's secrets (a server may echo
// the request URL), and the server's Retry-After on a 429 or 503.
import { ChatApiError, TransportCode, scrubSecrets, type ErrorReply } from '../errors.js';
import { readEnvelope, httpError } from '../envelope.js';
import { parseJson } from '../json.js';
import type { Exchange, RawReply, Send, SignedAttempt } from './context.js';

// The statuses whose Retry-After says when the server will take requests again (RFC 9110 §10.2.3: 503, and 429 in
// RFC 6585); on a 3xx it names a redirect's delay, which the client does not follow.
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function scrubbedReply(raw: RawReply, secrets: readonly string[]): ErrorReply {
  const text = scrubSecrets(raw.text, secrets);
  let body: unknown = text;
  try {
    body = parseJson(text);
  } catch {
    // Not JSON (a gateway's page): the text is the body.
  }
  return { status: raw.status, body };
}

function failedReply(attempt: SignedAttempt, raw: RawReply): ChatApiError {
  const { name } = attempt.call;
  const { status } = raw;
  const attempts = attempt.sent + 1;
  const reply = scrubbedReply(raw, attempt.secrets);
  if (status >= 300 && status < 400) {
    return new ChatApiError(`${name}: HTTP ${status} redirect from the server, not followed`, {
      code: TransportCode.http, info: `HTTP ${status} redirect (not followed)`, operation: name, httpStatus: status, retryable: false, attempts, reply,
    });
  }
  // A non-2xx reply may still be a TIM envelope (a 5xx from the vendor's front end): httpError keeps its ErrorCode.
  const wait = RETRY_AFTER_STATUSES.has(status) ? retryAfterMs(raw.headers) : undefined;
  return httpError(name, status, reply.body, { secrets: attempt.secrets, attempts, reply, retryAfterMs: wait });
}

export function envelopeStage(send: Send): Exchange<SignedAttempt> {
  return async (attempt) => {
    const raw = await send(attempt);
    if (raw.status < 200 || raw.status > 299) throw failedReply(attempt, raw);
    return readEnvelope(attempt.call.name, raw.text, raw.status, { secrets: attempt.secrets, attempts: attempt.sent + 1 });
  };
}
