// What flows through the request pipeline. A call (one logical request, or one chunk of a split one) passes the
// call stages — validate → split → retry decision — and each of its attempts the attempt stages — sign → rate-limit
// turn → attempt with time limit → envelope check. Stages are wrappers: each takes the next handler and returns one.
import type { OperationId } from '../../generated/api-facts.js';
import type { RetryPolicy } from '../retry.js';
import type { ChunkFailures } from '../chunk.js';

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
   * The call's own signal, following the caller's: internal listeners (back-off, rate-limit turn, chunks) attach
   * here, so the caller's signal carries no listener of ours however many calls share it.
   */
  readonly signal: AbortSignal | undefined;
  /** The caller's signal as given, to tell a caller's abort from a caller's timeout. */
  readonly callerSignal: AbortSignal | undefined;
  readonly headers: HeadersInit | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | false;
  /** For a split call: fail on the first failed chunk, or collect failed chunks beside the merged reply. */
  readonly chunkFailures: ChunkFailures;
}

export interface Attempt {
  readonly call: Call;
  /** The request body as sent, serialized once per call. */
  readonly json: string;
  /** 1-based number of this attempt within the call. */
  readonly number: number;
  /** Set by the sign stage: the URL with the auth query, and the usersig it carries (for redaction). */
  url?: string;
  userSig?: string;
  /** Set by the attempt stage the moment the request is handed to fetch. */
  sent: boolean;
}

/** A reply as read from the wire. */
export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

/** A successful reply envelope. */
export type Envelope = Record<string, unknown>;

export type Send = (attempt: Attempt) => Promise<RawReply>;
export type Exchange = (attempt: Attempt) => Promise<Envelope>;
export type Handler = (call: Call) => Promise<Envelope>;

export type CallStage = (next: Handler) => Handler;
export type AttemptStage = (next: Exchange) => Exchange;

/** Applies wrappers so that the first one listed is the outermost. */
export function compose<H>(stages: readonly ((next: H) => H)[], last: H): H {
  return stages.reduceRight((next, stage) => stage(next), last);
}
