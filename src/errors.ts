// The one error type the client rejects with, and the redaction that keeps credentials out of it.
import { errorCodes, type DocumentedErrorCode, type OperationId } from '../generated/api-facts.js';

/** Codes for failures that never reached a reply envelope; business failures carry the server's numeric ErrorCode. */
export const TransportCode = {
  /** The request body broke the schema; nothing was sent. */
  invalidRequest: 'INVALID_REQUEST',
  /** The connection failed or was reset. */
  network: 'NETWORK_ERROR',
  /** An attempt took longer than `timeoutMs`, or the caller's own timeout signal (`AbortSignal.timeout()`) fired. */
  timeout: 'TIMEOUT',
  /** The caller's signal aborted the call. */
  aborted: 'ABORTED',
  /** The reply had a non-2xx HTTP status (a redirect included: redirects are never followed). */
  http: 'HTTP_ERROR',
  /** The reply body was empty or not JSON. */
  invalidJson: 'INVALID_JSON',
  /** The reply was JSON but not a result envelope (no ErrorCode). */
  invalidReply: 'INVALID_REPLY',
  /** The reply body was larger than `maxReplyBytes`; it was not read further and the call is not retried. */
  replyTooLarge: 'REPLY_TOO_LARGE',
} as const;

export type TransportCode = (typeof TransportCode)[keyof typeof TransportCode];

/**
 * What `ChatApiError.code` can be: a code the document lists (completed by editors), a transport code, or any other
 * number a server may send.
 */
// `number & {}` keeps the literal codes visible to completion while still admitting undocumented numbers.
export type ChatErrorCode = DocumentedErrorCode | TransportCode | (number & {});

export interface ChatApiErrorDetails {
  code: ChatErrorCode;
  info: string;
  display?: string | undefined;
  /** The operationId; a path for calls to a path the document does not describe. */
  operation: string;
  httpStatus?: number | undefined;
  retryable: boolean;
  attempts: number;
  cause?: unknown;
  chunk?: ChunkInfo | undefined;
  retryAfterMs?: number | undefined;
  reply?: ErrorReply | undefined;
}

/** The reply a failure was read from: its status and its body, scrubbed of the usersig (JSON losslessly parsed). */
export interface ErrorReply {
  readonly status: number;
  /** The parsed JSON body (64-bit integers as decimal strings), or the text when it was not JSON. */
  readonly body: unknown;
}

/** Which part of a split call failed (getSpecifiedFriends with more To_Account entries than one call takes). */
export interface ChunkInfo {
  /** 0-based index of the failed chunk. */
  readonly index: number;
  /** How many chunks the call was split into. */
  readonly count: number;
  /** The request items (UserIDs) the failed chunk covered. */
  readonly items: readonly unknown[];
}

export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';
  /** The reply's ErrorCode, or a TransportCode for failures without one. */
  readonly code: ChatErrorCode;
  /** ErrorInfo, or what went wrong. */
  readonly info: string;
  /** ErrorDisplay, when the server sent one. */
  readonly display: string | undefined;
  /** The operationId of the call; for `request()` to a path the document does not describe, that path. */
  readonly operation: OperationId | (string & {});
  /** The HTTP status of the last reply, when there was one. */
  readonly httpStatus: number | undefined;
  /** Whether sending the call again could succeed (from the document's x-error-codes, or the transport rules). */
  readonly retryable: boolean;
  /** How many requests were actually sent (0 when nothing was). */
  readonly attempts: number;
  /** For a split call: the chunk that failed. */
  readonly chunk: ChunkInfo | undefined;
  /** The server's Retry-After (on HTTP 429 or 503), in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /**
   * The reply this failure was read from (a FAIL envelope, a non-2xx reply), scrubbed of the usersig; undefined for
   * failures without a reply. Not part of `toJSON`: logs get the summary, not the body.
   */
  readonly reply: ErrorReply | undefined;
  readonly #details: ChatApiErrorDetails;

  constructor(message: string, details: ChatApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.info = details.info;
    this.display = details.display;
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable;
    this.attempts = details.attempts;
    this.chunk = details.chunk;
    this.retryAfterMs = details.retryAfterMs;
    this.reply = details.reply;
    this.#details = details;
  }

  /**
   * A copy with some details changed (errors are readonly: a stage that learns more makes a new one). Every other
   * detail — the reply, Retry-After, the chunk — is kept; a new `message` replaces the old one.
   */
  with(patch: Partial<ChatApiErrorDetails> & { message?: string }): ChatApiError {
    const { message = this.message, ...details } = patch;
    return new ChatApiError(message, { ...this.#details, ...details });
  }

  /** JSON.stringify of an Error drops its message; keep what a log needs (it holds no credentials). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      info: this.info,
      display: this.display,
      operation: this.operation,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      attempts: this.attempts,
      chunk: this.chunk,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export interface ErrorCodeAdvice {
  retryable: boolean;
  resign: boolean;
  rateLimit: boolean;
  minRetryWaitMs: number | null;
  description?: string;
}

const UNKNOWN_CODE: ErrorCodeAdvice = { retryable: false, resign: false, rateLimit: false, minRetryWaitMs: null };

/**
 * What the document says about a business error code for an operation: public codes apply to every call, an
 * operation's own codes only to it (so a path the document does not describe gets the public codes only). Unknown
 * codes are not retried.
 */
export function describeErrorCode(code: number, operation?: string): ErrorCodeAdvice {
  const facts = errorCodes[code];
  if (!facts) return UNKNOWN_CODE;
  if (facts.operations !== null && operation !== undefined && !(facts.operations as readonly string[]).includes(operation)) {
    return UNKNOWN_CODE;
  }
  return facts;
}

/** Whether the server refused a call for its rate: a code the document marks rate-limit, or HTTP 429. */
export function isRateLimited(error: ChatApiError): boolean {
  if (typeof error.code === 'number' && describeErrorCode(error.code, error.operation).rateLimit) return true;
  return error.httpStatus === 429;
}

/** Whether a usersig the server rejected may pass after re-signing (a code the document marks `resign`). */
export function needsResign(error: ChatApiError): boolean {
  return typeof error.code === 'number' && describeErrorCode(error.code, error.operation).resign;
}

const REDACTED = '[redacted]';

// A usersig on its way out in URL text (a fetch error quoting the request URL, a gateway page echoing it): the
// pattern layer catches it whatever the sig and its encoding, behind the exact-value scrub below.
const USERSIG_IN_URL = /(usersig=)[^&#\s"'<>]*/gi;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A secret and the forms it takes in URLs: percent-encoded (upper- and lower-case hex) and form-encoded. */
function encodings(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const lower = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return [...new Set([secret, percent, lower(percent), form, lower(form)])];
}

/**
 * Replaces every whole-token occurrence of each secret (in every URL encoding) in a text, then any `usersig=` value.
 * Whole tokens (not preceded or followed by a letter or digit) keep a short test key such as `k` from turning
 * `chunk` into `chun[redacted]`; real keys and sigs are long random strings delimited by punctuation wherever they
 * appear.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of encodings(secret)) {
      if (!out.includes(form)) continue;
      out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, 'g'), REDACTED);
    }
  }
  return out.replace(USERSIG_IN_URL, `$1${REDACTED}`);
}

function describeForeign(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Copies an error (and its cause chain) with every occurrence of the given secrets replaced, so that a fetch failure
 * whose message or stack quotes the request URL cannot carry the usersig into logs. Own enumerable primitive
 * properties (`code`, `errno`, `syscall`, …) are kept, as they are what callers branch on. A value that is not an
 * Error (a custom fetch may reject with anything) becomes an Error whose message is the value's scrubbed text: it is
 * never kept as it is, since it may hold the request URL anywhere inside.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): Error {
  const scrub = (text: string): string => scrubSecrets(text, secrets);
  if (!(error instanceof Error)) {
    return new Error(`non-Error value thrown: ${scrub(describeForeign(error)).slice(0, 500)}`);
  }
  const cause = depth < 5 && error.cause !== undefined ? redactError(error.cause, secrets, depth + 1) : undefined;
  const copy = new Error(scrub(error.message), cause === undefined ? undefined : { cause });
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = scrub(error.stack);
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause') continue;
    if (typeof value === 'string') Object.assign(copy, { [key]: scrub(value) });
    else if (typeof value === 'number' || typeof value === 'boolean') Object.assign(copy, { [key]: value });
  }
  return copy;
}
