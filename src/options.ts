// Checks createChatClient's options once, up front, so a misconfiguration fails at start-up with a message naming the
// option and its rule, instead of on the first call. Values of credential options are never quoted.
import type { OperationId } from '../generated/api-facts.js';
import { operations } from '../generated/api-facts.js';
import { isRegion, regionBaseUrl, regions, defaultRegion, type Region } from './regions.js';
import type { RetryPolicy } from './retry.js';
import type { RetryOptions } from './types.js';
import type { ClientHooks } from './pipeline/hooks.js';
import { resolveHostPlan, type HostChoice, type HostPlan } from './hosts.js';
import { resolveDriftListener, type DriftListener } from './drift/watch.js';

export type { RetryOptions };

interface CommonOptions {
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
  /** Retry policy, or false for a single attempt. */
  retry?: RetryOptions | false | undefined;
  /** Calls per second per operation (default: the document's x-rate-limit), or false for no limit. */
  rateLimit?: number | false | undefined;
  /** Items per call of every split (x-chunking) operation, instead of each operation's documented size. */
  chunkSize?: number | undefined;
  /** The most split calls in flight at once (default 64); below it the number follows rate × measured round trip. */
  chunkConcurrency?: number | undefined;
  /** Lifetime of the usersigs the client signs, in seconds (default 86400, at least 60). */
  userSigLifetimeSeconds?: number | undefined;
  /** A fetch implementation (default globalThis.fetch). */
  fetch?: ((input: Request) => Promise<Response>) | undefined;
  /** Headers sent with every request (a call's own `headers` win). */
  headers?: HeadersInit | undefined;
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

export interface ResolvedOptions {
  sdkAppId: number;
  identifier: string;
  credential: { kind: 'secretKey'; secretKey: string } | { kind: 'userSig'; userSig: string };
  baseUrl: string;
  hosts: HostPlan;
  timeoutMs: number;
  retry: RetryPolicy | false;
  rateLimit: (operation: OperationId | undefined) => number | null;
  chunkSize: number | undefined;
  chunkConcurrency: number;
  userSigLifetimeSeconds: number;
  /** The caller's fetch; undefined means the platform's. */
  fetch: ((input: Request) => Promise<Response>) | undefined;
  /** Headers of every request, lower-case names, content type and user agent included. */
  headers: Record<string, string>;
  maxReplyBytes: number;
  hooks: ClientHooks;
  onDrift: DriftListener | undefined;
}

/** The vendor caps a reply at 1 MB; twice that leaves room for the envelope and JSON escaping. */
export const DEFAULT_MAX_REPLY_BYTES = 2 * 1024 * 1024;
/** Below a minute, clock skew and renewal at three quarters of the lifetime leave sigs that expire in flight. */
export const MIN_USER_SIG_LIFETIME_SECONDS = 60;

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 5000, rateLimitRetries: 5 };

function fail(option: string, rule: string, got?: unknown): never {
  const shown = got === undefined ? '' : ` (got ${typeof got === 'string' ? JSON.stringify(got) : String(got)})`;
  throw new TypeError(`createChatClient: options.${option} ${rule}${shown}`);
}

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isPositiveInteger(value)) fail(option, 'must be a positive integer', value);
  return value;
}

function nonNegativeNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(option, 'must be a finite number ≥ 0', value);
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function resolveBaseUrl(region: unknown, baseUrl: unknown): string {
  if (region !== undefined && baseUrl !== undefined) fail('region', 'cannot be combined with options.baseUrl; give one');
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) fail('baseUrl', 'must be an absolute URL', baseUrl);
    const url = new URL(baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('baseUrl', 'must use https:', url.protocol);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      fail('baseUrl', 'must use https: (plain http: is allowed only for a loopback host such as 127.0.0.1)', baseUrl);
    }
    // Paths and the auth query are appended to the base URL; a query or fragment in it would break every request.
    if (url.search !== '' || baseUrl.includes('?')) fail('baseUrl', 'must not have a query string', baseUrl);
    if (url.hash !== '' || baseUrl.includes('#')) fail('baseUrl', 'must not have a fragment', baseUrl);
    if (url.username !== '' || url.password !== '') fail('baseUrl', 'must not carry credentials');
    return baseUrl.replace(/\/+$/, '');
  }
  if (region === undefined) return regionBaseUrl(defaultRegion);
  if (!isRegion(region)) fail('region', `must be one of ${Object.keys(regions).join(', ')}`, region);
  return regionBaseUrl(region);
}

function resolveCredential(options: Record<string, unknown>): ResolvedOptions['credential'] {
  const { secretKey, userSig } = options;
  if (secretKey !== undefined && userSig !== undefined) fail('secretKey', 'cannot be combined with options.userSig; give one');
  if (secretKey !== undefined) {
    if (typeof secretKey !== 'string' || secretKey === '') fail('secretKey', 'must be a non-empty string');
    return { kind: 'secretKey', secretKey };
  }
  if (userSig !== undefined) {
    if (typeof userSig !== 'string' || userSig === '') fail('userSig', 'must be a non-empty string');
    return { kind: 'userSig', userSig };
  }
  return fail('secretKey', 'or options.userSig is required');
}

function resolveRateLimit(value: unknown): ResolvedOptions['rateLimit'] {
  if (value === false) return () => null;
  if (value === undefined) return (operation) => (operation === undefined ? null : operations[operation].requestsPerSecond);
  if (!isPositiveInteger(value)) fail('rateLimit', 'must be a positive integer (calls per second) or false', value);
  return () => value;
}

/** Checks a retry policy and fills it over `base` (the defaults, or the client's policy for a call's override). */
export function resolveRetry(value: unknown, base: RetryPolicy | false = DEFAULT_RETRY, where = 'retry'): RetryPolicy | false {
  if (value === false) return false;
  if (value !== undefined && (value === null || typeof value !== 'object')) fail(where, 'must be an object or false', value);
  const retry = (value ?? {}) as Record<string, unknown>;
  const from = base === false ? { ...DEFAULT_RETRY, attempts: 1 } : base;
  const attempts = positiveInteger(`${where}.attempts`, retry['attempts'], from.attempts);
  const baseDelayMs = nonNegativeNumber(`${where}.baseDelayMs`, retry['baseDelayMs'], from.baseDelayMs);
  const maxDelayMs = nonNegativeNumber(`${where}.maxDelayMs`, retry['maxDelayMs'], Math.max(from.maxDelayMs, baseDelayMs));
  if (maxDelayMs < baseDelayMs) fail(`${where}.maxDelayMs`, `must be ≥ ${where}.baseDelayMs`, maxDelayMs);
  const rateLimitRetries = nonNegativeInteger(`${where}.rateLimitRetries`, retry['rateLimitRetries'], from.rateLimitRetries);
  return { attempts, baseDelayMs, maxDelayMs, rateLimitRetries };
}

function nonNegativeInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(option, 'must be an integer ≥ 0', value);
  return value as number;
}

function resolveHeaders(headers: unknown, userAgent: unknown): Record<string, string> {
  if (userAgent !== undefined && (typeof userAgent !== 'string' || userAgent === '')) fail('userAgent', 'must be a non-empty string', userAgent);
  const merged: Record<string, string> = { 'content-type': 'application/json', 'user-agent': (userAgent as string | undefined) ?? 'tim-rest-client' };
  if (headers === undefined) return merged;
  let given: Headers;
  try {
    given = new Headers(headers as HeadersInit);
  } catch {
    return fail('headers', 'must be a HeadersInit (object, array of pairs or Headers)');
  }
  given.forEach((value, name) => {
    merged[name] = value;
  });
  return merged;
}

function resolveHooks(value: unknown): ClientHooks {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') fail('hooks', 'must be an object');
  const hooks = value as Record<string, unknown>;
  for (const name of ['onRequest', 'onReply', 'onRetry']) {
    if (hooks[name] !== undefined && typeof hooks[name] !== 'function') fail(`hooks.${name}`, 'must be a function');
  }
  return hooks as ClientHooks;
}

function userSigLifetime(value: unknown): number {
  const seconds = positiveInteger('userSigLifetimeSeconds', value, 86_400);
  if (seconds < MIN_USER_SIG_LIFETIME_SECONDS) fail('userSigLifetimeSeconds', `must be at least ${MIN_USER_SIG_LIFETIME_SECONDS}`, seconds);
  return seconds;
}

export function resolveOptions(input: ChatClientOptions): ResolvedOptions {
  if (input === null || typeof input !== 'object') fail('', 'must be an object');
  const options = input as unknown as Record<string, unknown>;
  if (!isPositiveInteger(options['sdkAppId'])) fail('sdkAppId', 'must be a positive integer', options['sdkAppId']);
  const identifier = options['identifier'];
  if (typeof identifier !== 'string' || identifier === '') fail('identifier', 'must be a non-empty string', identifier);
  const fetchOption = options['fetch'];
  if (fetchOption !== undefined && typeof fetchOption !== 'function') fail('fetch', 'must be a function');
  const baseUrl = resolveBaseUrl(options['region'], options['baseUrl']);
  return {
    sdkAppId: options['sdkAppId'],
    identifier,
    credential: resolveCredential(options),
    baseUrl,
    hosts: resolveHostPlan({ region: options['region'], baseUrl: options['baseUrl'], host: options['host'], failover: options['failover'] }, baseUrl),
    timeoutMs: positiveInteger('timeoutMs', options['timeoutMs'], 10_000),
    retry: resolveRetry(options['retry']),
    rateLimit: resolveRateLimit(options['rateLimit']),
    chunkSize: options['chunkSize'] === undefined ? undefined : positiveInteger('chunkSize', options['chunkSize'], 1),
    chunkConcurrency: positiveInteger('chunkConcurrency', options['chunkConcurrency'], 64),
    userSigLifetimeSeconds: userSigLifetime(options['userSigLifetimeSeconds']),
    fetch: fetchOption as ResolvedOptions['fetch'],
    headers: resolveHeaders(options['headers'], options['userAgent']),
    maxReplyBytes: positiveInteger('maxReplyBytes', options['maxReplyBytes'], DEFAULT_MAX_REPLY_BYTES),
    hooks: resolveHooks(options['hooks']),
    onDrift: resolveDriftListener(options['onDrift']),
  };
}
