// Where the throttle stage takes its send permits from. The client never paces by itself: before each attempt it
// takes a permit for the attempt's lane (one operation of one app) and afterwards tells the quota how the server
// answered, so the rate adapts (AIMD). The default quota keeps its state in this process (createLocalQuota); one kept
// in a shared store (tim-rest-client/redis, or a user's own on a Durable Object or a Redis over HTTP) spaces the sends of
// every instance of an app against the app's one vendor quota.

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
   * The highest rate to grant, in calls per second: `limit` × the document's safety margin (x-rate-limit-margin). A
   * quota in a shared store grants it to all instances together; an in-process one divides it by options.instances.
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
   * rejection is reported to the client's `onQuotaError` hook.
   */
  report(lane: QuotaLane, verdict: QuotaVerdict): void | Promise<void>;
  /** The rate it grants `lane` now, in calls per second, or undefined when unknown (split calls size concurrency from it). */
  rate(lane: QuotaLane): number | undefined;
}
