// The one error type the client rejects with, and the redaction that keeps credentials out of it.
import { errorCodes } from '../generated/api-facts.js';

/** Codes for failures that never reached a reply envelope; business failures carry the server's numeric ErrorCode. */
export const TransportCode = {
  /** The request body broke the schema; nothing was sent. */
  invalidRequest: 'INVALID_REQUEST',
  /** The connection failed or was reset. */
  network: 'NETWORK_ERROR',
  /** An attempt took longer than `timeoutMs`. */
  timeout: 'TIMEOUT',
  /** The caller's signal aborted the call. */
  aborted: 'ABORTED',
  /** The reply had a non-2xx HTTP status. */
  http: 'HTTP_ERROR',
  /** The reply body was empty or not JSON. */
  invalidJson: 'INVALID_JSON',
  /** The reply was JSON but not a result envelope (no ErrorCode). */
  invalidReply: 'INVALID_REPLY',
} as const;

export type TransportCode = (typeof TransportCode)[keyof typeof TransportCode];

export interface ChatApiErrorDetails {
  code: number | TransportCode;
  info: string;
  display?: string | undefined;
  operation: string;
  httpStatus?: number | undefined;
  retryable: boolean;
  attempts: number;
  cause?: unknown;
  chunk?: ChunkInfo | undefined;
}

/** Which part of a split call failed (getSpecifiedFriends with more To_Account entries than one call takes). */
export interface ChunkInfo {
  /** 0-based index of the failed chunk. */
  index: number;
  /** How many chunks the call was split into. */
  count: number;
  /** The request items (UserIDs) the failed chunk covered. */
  items: readonly unknown[];
}

export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';
  /** The reply's ErrorCode, or a TransportCode for failures without one. */
  readonly code: number | TransportCode;
  /** ErrorInfo, or what went wrong. */
  readonly info: string;
  /** ErrorDisplay, when the server sent one. */
  readonly display: string | undefined;
  /** The operationId of the call. */
  readonly operation: string;
  /** The HTTP status of the last reply, when there was one. */
  readonly httpStatus: number | undefined;
  /** Whether sending the call again could succeed (from the document's x-error-codes, or the transport rules). */
  readonly retryable: boolean;
  /** How many attempts were made (0 when nothing was sent). */
  attempts: number;
  /** For a split call: the chunk that failed. */
  readonly chunk: ChunkInfo | undefined;

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
    };
  }
}

/** What the document says about a business error code: unknown codes are not retried. */
export function describeErrorCode(code: number): { retryable: boolean; resign: boolean; description?: string } {
  const facts = errorCodes[code];
  return facts ? facts : { retryable: false, resign: false };
}

const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret in a text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => (secret ? out.split(secret).join(REDACTED) : out), text);
}

/**
 * Copies an error (and its cause chain) with every occurrence of the given secrets replaced, so that a fetch failure
 * whose message or stack quotes the request URL cannot carry the usersig into logs. Own enumerable primitive
 * properties (`code`, `errno`, `syscall`, …) are kept, as they are what callers branch on.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): unknown {
  const scrub = (text: string): string => scrubSecrets(text, secrets);
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? scrub(error) : error;
  }
  const cause = depth < 5 && error.cause !== undefined ? redactError(error.cause, secrets, depth + 1) : undefined;
  const copy = new Error(scrub(error.message), cause === undefined ? undefined : { cause });
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : scrub(error.stack);
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause') continue;
    if (typeof value === 'string') Object.assign(copy, { [key]: scrub(value) });
    else if (typeof value === 'number' || typeof value === 'boolean') Object.assign(copy, { [key]: value });
  }
  return copy;
}
