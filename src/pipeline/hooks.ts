// Client-level hooks for logging, tracing and metrics. They receive no credentials: no usersig, no URL query.
import type { ChatApiError } from '../errors.js';

export interface RequestEvent {
  /** The operationId, or the path for a path the document does not describe. */
  operation: string;
  path: string;
  /** 1-based attempt number within the call. */
  attempt: number;
  /** The headers sent (a copy). */
  headers: Headers;
}

export interface ReplyEvent {
  operation: string;
  path: string;
  attempt: number;
  status: number;
  /** From handing the request to fetch to the end of the body. */
  durationMs: number;
}

export interface RetryEvent {
  operation: string;
  path: string;
  /** The attempt that failed. */
  attempt: number;
  /** `error`: a retryable failure; `rateLimit`: the server refused the rate; `resign`: the usersig expired. */
  reason: 'error' | 'rateLimit' | 'resign';
  error: ChatApiError;
  /** How long the client waits before the next attempt, in ms. */
  delayMs: number;
}

export interface ClientHooks {
  /** Right before a request is handed to fetch. */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /** When a reply's body has been read (whatever its status). */
  onReply?: ((event: ReplyEvent) => void) | undefined;
  /** When a failed attempt is going to be retried. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}
