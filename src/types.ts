// The types a caller meets: request and reply bodies per operation, per-call options and a method's arguments.
import type { operations as OperationTypes } from '../generated/openapi.js';
import type { OperationId, operations } from '../generated/api-facts.js';
import type { ChunkFailures, FailedChunk } from './chunk.js';

/** The request body of an operation, as the document describes it. */
export type RequestOf<Op extends OperationId> = OperationTypes[Op]['requestBody']['content']['application/json'];
/** The 200 reply body of an operation (envelope and fields), success or failure. */
export type ReplyOf<Op extends OperationId> = OperationTypes[Op]['responses'][200]['content']['application/json'];
/** What a method resolves with: the reply of a call that succeeded (a failure rejects with ChatApiError). */
export type SuccessOf<Op extends OperationId> = ReplyOf<Op> & { ActionStatus: 'OK'; ErrorCode: 0 };

/** Retry policy of a client or of one call. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number | undefined;
  /** Back-off cap before the first retry, in ms (default 250); doubles per retry, with full jitter. */
  baseDelayMs?: number | undefined;
  /** Largest back-off, in ms (default 5000). */
  maxDelayMs?: number | undefined;
  /**
   * Re-sends after the server refused a call for its rate (a code the document marks `rateLimit`, or HTTP 429),
   * each after the wait the rate limiter asks for; counted apart from `attempts` (default 5).
   */
  rateLimitRetries?: number | undefined;
}

export interface CallOptions {
  /** Aborts the call, including its back-off waits and queued rate-limit turn. */
  signal?: AbortSignal | undefined;
  /** Extra request headers, e.g. `Prefer: example=failUserSigExpired` to pick a reply of the mock. */
  headers?: HeadersInit | undefined;
  /** Time limit of each attempt of this call, in ms (default: the client's `timeoutMs`). */
  timeoutMs?: number | undefined;
  /** This call's retry policy (merged over the client's), or false for a single attempt. */
  retry?: RetryOptions | false | undefined;
  /**
   * For a split call: 'reject' (default) fails the whole call on the first failed chunk; 'collect' resolves with the
   * chunks that succeeded merged, and lists the failed ones (items and error) in `failedChunks`.
   */
  chunkFailures?: ChunkFailures | undefined;
}

/** What a split call run with `chunkFailures: 'collect'` adds to the merged reply. */
export interface CollectedFailures {
  failedChunks?: FailedChunk[];
}

/** What an operation's method resolves with: the success reply, and for a split operation any collected failures. */
export type MethodReply<Op extends OperationId> = (typeof operations)[Op]['chunking'] extends null
  ? SuccessOf<Op>
  : SuccessOf<Op> & CollectedFailures;

// An operation whose body fields are all optional can be called without a body.
/** The arguments of an operation's method. */
export type MethodArgs<Op extends OperationId> =
  Partial<RequestOf<Op>> extends RequestOf<Op>
    ? [body?: RequestOf<Op>, options?: CallOptions]
    : [body: RequestOf<Op>, options?: CallOptions];
