// What flows through the request pipeline, and the shape of its stages. Every value here is immutable: a stage that
// sends again passes a new attempt on, and nothing an inner stage learns travels back except through what it returns
// or throws.
//
//   call stages      validate → split → serialize
//   attempt stages   retry (back-off) → sign (usersig, one re-sign) → throttle (quota turn, rate re-sends,
//                    Retry-After) → envelope check ← transport (one request, its time limit)
import type { OperationId } from '../../generated/api-facts.js';
import type { RetryPolicy } from '../retry-policy.js';
import type { ChunkFailures, HeadersLike } from '../types.js';

export interface Call {
  /** The operationId, or the path for a path the document does not describe (used in messages and hooks). */
  readonly name: string;
  /** The operation, when the document describes the path. */
  readonly operation: OperationId | undefined;
  /** The path, with its leading slash. */
  readonly path: string;
  /** Whether a request that may have executed can be sent again (x-idempotent; false for unknown paths). */
  readonly idempotent: boolean;
  /** The request body (a chunk's body after the split stage). */
  readonly body: unknown;
  /**
   * The call's own signal, following the caller's: internal listeners (back-off, quota turn, chunks) attach here, so
   * the caller's signal carries one listener per call in flight, removed when the call ends.
   */
  readonly signal: AbortSignal | undefined;
  /** The caller's signal as given, to tell a caller's abort from a caller's timeout. */
  readonly callerSignal: AbortSignal | undefined;
  readonly headers: HeadersLike | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | false;
  /** For a split call: fail on the first failed chunk, or collect failed chunks beside the merged reply. */
  readonly chunkFailures: ChunkFailures;
}

/** A call whose body has been written as the JSON it sends (the serialize step). */
export interface SerializedCall extends Call {
  readonly json: string;
}

/** One request of a call about to be sent. */
export interface Attempt {
  readonly call: SerializedCall;
  /** Requests of this call already handed to fetch: this attempt is request number `sent + 1`. */
  readonly sent: number;
}

/** An attempt the sign stage has given its auth query. */
export interface SignedAttempt extends Attempt {
  /** The URL with the auth query. */
  readonly url: string;
  /** What must never leave an attempt: the secret key (if the client signs) and the usersig this attempt carries. */
  readonly secrets: readonly string[];
}

/** A reply as read from the wire. */
export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

/** A successful reply envelope. */
export type Envelope = Record<string, unknown>;

export type Send = (attempt: SignedAttempt) => Promise<RawReply>;
export type Exchange<A extends Attempt = Attempt> = (attempt: A) => Promise<Envelope>;
export type Handler<C extends Call = Call> = (call: C) => Promise<Envelope>;

export type CallStage = (next: Handler) => Handler;

/** Applies wrappers so that the first one listed is the outermost. */
export function compose<H>(stages: readonly ((next: H) => H)[], last: H): H {
  return stages.reduceRight((next, stage) => stage(next), last);
}
