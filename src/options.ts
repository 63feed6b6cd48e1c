// Checks createChatClient's options once, up front, so a misconfiguration fails at start-up with a message naming the
// option and its rule, instead of on the first call. Values of credential options are never quoted.
import type { OperationId } from '../generated/api-facts.js';
import { operations } from '../generated/api-facts.js';
import { isRegion, regionBaseUrl, regions, defaultRegion, type Region } from './regions.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Back-off cap before the first retry, in ms (default 250); doubles per retry, with full jitter. */
  baseDelayMs?: number;
  /** Largest back-off, in ms (default 5000). */
  maxDelayMs?: number;
}

interface CommonOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app admin account the calls are made as. */
  identifier: string;
  /** The region whose host serves the app (default `china`). */
  region?: Region;
  /** Any base URL instead of a region, e.g. a mock. Plain http is refused unless the host is loopback. */
  baseUrl?: string;
  /** Time limit of each attempt, in ms (default 10000; the server's own timeout is 3 s). */
  timeoutMs?: number;
  /** Retry policy, or false for a single attempt. */
  retry?: RetryOptions | false;
  /** Calls per second per operation (default: the document's x-rate-limit), or false for no limit. */
  rateLimit?: number | false;
  /** Friends per getSpecifiedFriends call when a longer To_Account list is split (default from the document, 100). */
  chunkSize?: number;
  /** The most split calls in flight at once (default 64); below it the number follows rate × measured round trip. */
  chunkConcurrency?: number;
  /** Lifetime of the usersigs the client signs, in seconds (default 86400). */
  userSigLifetimeSeconds?: number;
  /** A fetch implementation (default globalThis.fetch). */
  fetch?: (input: Request) => Promise<Response>;
}

/** Exactly one of secretKey (the client signs and caches usersigs) or userSig (pre-made). */
export type ChatClientOptions = CommonOptions &
  ({ secretKey: string; userSig?: never } | { userSig: string; secretKey?: never });

export interface ResolvedOptions {
  sdkAppId: number;
  identifier: string;
  credential: { kind: 'secretKey'; secretKey: string } | { kind: 'userSig'; userSig: string };
  baseUrl: string;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  rateLimit: (operation: OperationId) => number | null;
  chunkSize: number;
  chunkConcurrency: number;
  userSigLifetimeSeconds: number;
  /** The caller's fetch; undefined means the platform's. */
  fetch: ((input: Request) => Promise<Response>) | undefined;
}

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
  if (value === undefined) return (operation) => operations[operation].requestsPerSecond;
  if (!isPositiveInteger(value)) fail('rateLimit', 'must be a positive integer (calls per second) or false', value);
  return () => value;
}

function resolveRetry(value: unknown): Required<RetryOptions> {
  if (value === false) return { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
  if (value !== undefined && (value === null || typeof value !== 'object')) fail('retry', 'must be an object or false', value);
  const retry = (value ?? {}) as Record<string, unknown>;
  const attempts = positiveInteger('retry.attempts', retry['attempts'], 3);
  const baseDelayMs = nonNegativeNumber('retry.baseDelayMs', retry['baseDelayMs'], 250);
  const maxDelayMs = nonNegativeNumber('retry.maxDelayMs', retry['maxDelayMs'], 5000);
  if (maxDelayMs < baseDelayMs) fail('retry.maxDelayMs', 'must be ≥ retry.baseDelayMs', maxDelayMs);
  return { attempts, baseDelayMs, maxDelayMs };
}

export function resolveOptions(input: ChatClientOptions): ResolvedOptions {
  if (input === null || typeof input !== 'object') fail('', 'must be an object');
  const options = input as unknown as Record<string, unknown>;
  if (!isPositiveInteger(options['sdkAppId'])) fail('sdkAppId', 'must be a positive integer', options['sdkAppId']);
  const identifier = options['identifier'];
  if (typeof identifier !== 'string' || identifier === '') fail('identifier', 'must be a non-empty string', identifier);
  const fetchOption = options['fetch'];
  if (fetchOption !== undefined && typeof fetchOption !== 'function') fail('fetch', 'must be a function');
  const chunking = operations.getSpecifiedFriends.chunking;
  return {
    sdkAppId: options['sdkAppId'],
    identifier,
    credential: resolveCredential(options),
    baseUrl: resolveBaseUrl(options['region'], options['baseUrl']),
    timeoutMs: positiveInteger('timeoutMs', options['timeoutMs'], 10_000),
    retry: resolveRetry(options['retry']),
    rateLimit: resolveRateLimit(options['rateLimit']),
    chunkSize: positiveInteger('chunkSize', options['chunkSize'], chunking.size),
    chunkConcurrency: positiveInteger('chunkConcurrency', options['chunkConcurrency'], 64),
    userSigLifetimeSeconds: positiveInteger('userSigLifetimeSeconds', options['userSigLifetimeSeconds'], 86_400),
    fetch: fetchOption as ResolvedOptions['fetch'],
  };
}
