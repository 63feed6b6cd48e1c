// The public types, in one home: what the client takes (options, call options, hooks, a quota) and what it returns
// (replies, walks, failed chunks). Nothing here is internal: every type is one a public function takes or returns.
import type { HostChoice } from './hosts.js';
import type { DriftListener } from './drift/watch.js';
import type { operations as OperationTypes } from '../generated/openapi.js';
import type { OperationId, operations } from '../generated/api-facts.js';
import type { Region } from './regions.js';
import type { ChatApiError } from './errors.js';

/**
 * Header values as `new Headers()` takes them (an object, pairs, or Headers). Named from the platform's own Headers
 * constructor, so the declarations compile with or without the DOM library.
 */
export type HeadersLike = NonNullable<ConstructorParameters<typeof Headers>[0]>;

/** A fetch: takes a Request, resolves with a Response. */
export type FetchLike = (input: Request) => Promise<Response>;

/** The request body of an operation, as the document describes it. */
export type RequestOf<Op extends OperationId> = OperationTypes[Op]['requestBody']['content']['application/json'];
/** The 200 reply body of an operation (envelope and fields), success or failure. */
export type ReplyOf<Op extends OperationId> = OperationTypes[Op]['responses'][200]['content']['application/json'];
/** What a method resolves with: the reply of a call that succeeded (a failure rejects with ChatApiError). */
export type SuccessOf<Op extends OperationId> = ReplyOf<Op> & { ActionStatus: 'OK'; ErrorCode: 0 };

/**
 * Retry policy of a client or of one call. Each field names what it counts; an expired usersig is re-signed and sent
 * again at most once, whatever the policy (unless `retry: false`).
 */
export interface RetryOptions {
  /**
   * Retries after a failure that may pass when sent again (a code the document marks retryable, a timeout, a network
   * error, HTTP 5xx), with back-off; not counting rate-limit re-sends or the re-sign (default 2).
   */
  retries?: number | undefined;
  /** Back-off cap before the first retry, in ms (default 250); doubles per retry, with full jitter. */
  baseDelayMs?: number | undefined;
  /** Largest back-off, in ms (default 5000). */
  maxDelayMs?: number | undefined;
  /**
   * Re-sends after the server refused a call for its rate (a code the document marks rate-limit, or HTTP 429), each
   * on a new permit of the quota (default 20): for the whole call, across its retries and its re-sign.
   */
  rateLimitResends?: number | undefined;
  /**
   * The longest Retry-After (HTTP 429 or 503) the client waits for, in ms (default 120000). A longer one fails the
   * call at once, with `retryAfterMs` on the error, instead of sleeping.
   */
  maxRetryAfterMs?: number | undefined;
}

export interface CallOptions {
  /** Aborts the call, including its back-off waits and queued rate-limit turn. */
  signal?: AbortSignal | undefined;
  /** Extra request headers, e.g. `Prefer: example=failUserSigExpired` to pick a reply of the mock. */
  headers?: HeadersLike | undefined;
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

/** 'reject': the first failed chunk rejects the call and stops the rest; 'collect': failed chunks come back in `failedChunks`. */
export type ChunkFailures = 'reject' | 'collect';

/** A chunk that failed in a split call run with `chunkFailures: 'collect'`. */
export interface FailedChunk {
  /** 0-based index of the chunk. */
  index: number;
  /** The request items (e.g. UserIDs) it covered. */
  items: readonly unknown[];
  /** Why it failed (after its retries). */
  error: ChatApiError;
}

export interface PaginateOptions {
  /** Pages fetched ahead of the loop while it works (default 1; 0 fetches each page only when the loop asks). */
  readAhead?: number | undefined;
  /** Reject (INVALID_REPLY) when the walk needs more pages than this (default: no cap). */
  maxPages?: number | undefined;
  /** Aborts the walk, including a page being read ahead. */
  signal?: AbortSignal | undefined;
}

export interface WalkSummary {
  /** Pages handed to the loop. */
  pages: number;
  /** Items in those pages (the x-pagination `items` list). */
  items: number;
  /** The total the last page stated (x-pagination `total`), when the operation has one. */
  totalCount: number | undefined;
  /** Whether the walk reached the page the server marked last. */
  complete: boolean;
  /** When complete: how many items fewer than `totalCount` the walk delivered (0 when none, or no total). */
  shortfall: number;
}

/** The pages of a walk (`for await`), its items, and what it delivered. */
export interface PageWalk<Page, Item> extends AsyncIterable<Page> {
  /** Every item of every page (each group, each conversation), in order. */
  items(): AsyncIterable<Item>;
  /** Counts of the current (or last) walk; read it after the loop to see a shortfall. */
  readonly summary: Readonly<WalkSummary>;
}

/** What a quota paces: one operation (or undocumented path) of one app. */
export interface QuotaLane {
  /** `${sdkAppId}/${operation}`: the lane's name in a shared store (instances of one app share it). */
  readonly key: string;
  /** The app's SDKAppID. */
  readonly sdkAppId: number;
  /** The operationId, or the path of a path the document does not describe. */
  readonly operation: string;
  /** Calls per second the vendor allows this operation for the whole app (the document's x-rate-limit, or options.rateLimit). */
  readonly limit: number;
  /**
   * The highest rate to grant, in calls per second: `limit` × the document's safety margin (x-rate-limit-margin), the
   * margin for independent pacers. The in-process quota divides it by options.instances; a quota in a shared store
   * grants it to all instances together, or takes a margin of its own (the Redis quota's `margin`, 0.9: one schedule
   * for every instance loses less to timing).
   */
  readonly callsPerSecond: number;
}

/** How the server answered a request sent on a permit. */
export type QuotaVerdict = 'accepted' | 'refused';

/**
 * A source of send permits. Methods may be called concurrently for many lanes; a quota keeps its state per
 * `lane.key`, bounded whatever the traffic.
 */
export interface Quota {
  /**
   * Resolves when one request of `lane` may be handed to fetch now. Rejects with `signal.reason` as soon as the signal
   * aborts (a call that gave up must not keep waiting, nor hold a permit). It must not reject otherwise: a quota that
   * cannot reach its store falls back to pacing locally.
   */
  take(lane: QuotaLane, signal?: AbortSignal): Promise<void>;
  /**
   * The server answered a request sent on a permit: `accepted` (any answer but a rate refusal) lets the rate recover
   * step by step; `refused` (a code the document marks rate-limit, or HTTP 429) lowers it, at most once per counting
   * window, and holds further permits until the server's window has room. Its promise, if any, is not waited for; a
   * rejection is reported to the client's `onQuotaError` hook. `roundTripMs` is the request's time from permit to
   * reply: a quota may end its hold that much earlier in part, since the server counted the answers it holds for
   * before they came back.
   */
  report(lane: QuotaLane, verdict: QuotaVerdict, roundTripMs?: number): void | Promise<void>;
  /** The rate it grants `lane` now, in calls per second, or undefined when unknown (split calls size concurrency from it). */
  rate(lane: QuotaLane): number | undefined;
  /**
   * True while its permits come from one schedule for all instances of the app (a shared store), not from a pacer of
   * this process alone. A split call then keeps the lane's rate busy from its first chunk until its first reply
   * (its first requests may wait for new connections, whatever round trip was measured before): the schedule keeps
   * the server's limit, where pacers of their own, started together, would each send their first round trip's worth
   * into the server's window. Absent means false.
   */
  readonly shared?: boolean;
}

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

/** Returned by a hook: nothing, or a promise the client waits for (its rejection fails the call, as a throw does). */
export type HookResult = void | Promise<void>;

/** What the client reports about the quota it takes permits from. */
export interface QuotaErrorEvent {
  /** The lane the failed report was for. */
  lane: QuotaLane;
  /** What the quota's `report` threw or rejected with. */
  error: unknown;
}

export interface ClientHooks {
  /** Right before a request is handed to fetch. */
  onRequest?: ((event: RequestEvent) => HookResult) | undefined;
  /** When a reply's body has been read (whatever its status). */
  onReply?: ((event: ReplyEvent) => HookResult) | undefined;
  /** When a failed attempt is going to be sent again. */
  onRetry?: ((event: RetryEvent) => HookResult) | undefined;
  /** When the quota failed to take a report (the call goes on; a quota that cannot reach its store paces locally). */
  onQuotaError?: ((event: QuotaErrorEvent) => HookResult) | undefined;
}

/**
 * The vendor's limits, in calls per second for the whole app: one number for every operation and path, or limits by
 * operationId (or path, for a path the document does not describe) over the document's. `false` turns pacing off.
 */
export type RateLimitOption = number | false | Readonly<Record<string, number | false>>;

/** The options every client takes, whichever credential it signs with. */
export interface CommonOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app admin account the calls are made as. */
  identifier: string;
  /** The region whose host serves the app (default `china`). */
  region?: Region | undefined;
  /** Any base URL instead of a region, e.g. a mock. Plain http is refused unless the host is loopback. */
  baseUrl?: string | undefined;
  /** Which host of the region to send to: `primary` (default) or the vendor's `backup` host (for hijacked DNS). */
  host?: HostChoice | undefined;
  /** Send the retry of an idempotent call whose connection failed to the region's other host (default false). */
  failover?: boolean | undefined;
  /** Time limit of each attempt, in ms (default 10000; the server's own timeout is 3 s). */
  timeoutMs?: number | undefined;
  /** Retry policy, or false to send each call once (no retries, no rate-limit re-sends, no re-sign). */
  retry?: RetryOptions | false | undefined;
  /**
   * The vendor's rate limits, calls per second for the whole app (default: each operation's documented x-rate-limit;
   * paths the document does not describe are not paced). A number is the server's limit for every operation and path,
   * documented ones included: it replaces the document's value, so it can also raise one (an app whose limit the vendor
   * raised). An object sets limits by operationId or path (`false` for none) and keeps the document's for the rest.
   * The client sends at the document's margin (x-rate-limit-margin, 85%) of each limit, never at the limit itself.
   */
  rateLimit?: RateLimitOption | undefined;
  /**
   * Instances of the app sharing its vendor quota without a shared `quota` (default 1): each paces at this share of
   * every limit. It configures the default quota only: a `quota` you pass takes its own (a shared one, its fallback).
   */
  instances?: number | undefined;
  /** Where send permits come from (default: an in-process quota, createLocalQuota). */
  quota?: Quota | undefined;
  /** Items per call of every split (x-chunking) operation, instead of each operation's documented size. */
  chunkSize?: number | undefined;
  /** The most split calls in flight at once (default 64); below it the number follows rate × measured round trip. */
  chunkConcurrency?: number | undefined;
  /** Lifetime of the usersigs the client signs, in seconds (default 86400, at least 60). */
  userSigLifetimeSeconds?: number | undefined;
  /** A fetch implementation (default globalThis.fetch). */
  fetch?: FetchLike | undefined;
  /** Headers sent with every request (a call's own `headers` win). */
  headers?: HeadersLike | undefined;
  /** The User-Agent header (default `tim-rest-client`); runtimes that forbid setting it (browsers) ignore it. */
  userAgent?: string | undefined;
  /**
   * Largest reply body read, in bytes (default 2 MiB: the vendor caps replies at 1 MB, and the margin covers
   * envelopes and escaping). A larger reply fails with REPLY_TOO_LARGE and is not retried.
   */
  maxReplyBytes?: number | undefined;
  /** Hooks for logging, tracing and metrics. */
  hooks?: ClientHooks | undefined;
  /** Called with the differences between a reply and the document, when there are any (never fails the call). */
  onDrift?: DriftListener | undefined;
}

/** Exactly one of secretKey (the client signs and caches usersigs) or userSig (pre-made). */
export type ChatClientOptions = CommonOptions &
  ({ secretKey: string; userSig?: never } | { userSig: string; secretKey?: never });

