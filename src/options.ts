// Checks createChatClient's options once, up front, so a misconfiguration fails at start-up with a message naming the
// option and its rule, instead of on the first call. Values of credential options are never quoted.
import type { OperationId } from '../generated/api-facts.js';
import { operations } from '../generated/api-facts.js';
import { isRegion, regionBaseUrl, regions, defaultRegion, type Region } from './regions.js';
import { DEFAULT_RETRY, resolveRetry, type RetryPolicy } from './retry-policy.js';
import { checkInstances, createLocalQuota } from './quota/local-quota.js';
import { resolveHostPlan, type HostPlan } from './hosts.js';
import { resolveDriftListener, type DriftListener } from './drift/watch.js';
import type { ChatClientOptions, ClientHooks, FetchLike, Quota } from './types.js';

export interface ResolvedOptions {
  sdkAppId: number;
  identifier: string;
  credential: { kind: 'secretKey'; secretKey: string } | { kind: 'userSig'; userSig: string };
  baseUrl: string;
  hosts: HostPlan;
  timeoutMs: number;
  retry: RetryPolicy | false;
  /** The vendor's limit for an operation (by operationId) or an undocumented path, calls per second; null for none. */
  rateLimit: (operation: OperationId | undefined, path: string) => number | null;
  instances: number;
  quota: Quota;
  chunkSize: number | undefined;
  chunkConcurrency: number;
  userSigLifetimeSeconds: number;
  /** The caller's fetch; undefined means the platform's. */
  fetch: FetchLike | undefined;
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
  const documented = (operation: OperationId | undefined): number | null => (operation === undefined ? null : operations[operation].requestsPerSecond);
  const limit = (option: string, given: unknown): number | null => {
    if (given === false) return null;
    if (typeof given !== 'number' || !Number.isFinite(given) || given <= 0) fail(option, 'must be a number of calls per second > 0, or false', given);
    return given;
  };
  if (value === undefined) return documented;
  if (value === false) return () => null;
  if (typeof value === 'number') {
    const everywhere = limit('rateLimit', value);
    return () => everywhere;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('rateLimit', 'must be calls per second, false, or limits by operationId or path', value);
  const byName = new Map<string, number | null>();
  for (const [name, given] of Object.entries(value as Record<string, unknown>)) {
    const path = /^\/?v4\//.test(name) ? (name.startsWith('/') ? name : `/${name}`) : undefined;
    if (path === undefined && !Object.hasOwn(operations, name)) {
      fail(`rateLimit.${name}`, `is neither an operationId (${Object.keys(operations).join(', ')}) nor a path ('v4/service/command')`);
    }
    byName.set(path ?? name, limit(`rateLimit.${name}`, given));
  }
  return (operation, path) => {
    if (operation !== undefined && byName.has(operation)) return byName.get(operation) as number | null;
    if (byName.has(path)) return byName.get(path) as number | null;
    return documented(operation);
  };
}

function resolveQuota(value: unknown, instances: number): Quota {
  if (value === undefined) return createLocalQuota({ instances });
  const quota = value as Record<string, unknown> | null;
  for (const method of ['take', 'report', 'rate']) {
    if (quota === null || typeof quota !== 'object' || typeof quota[method] !== 'function') fail('quota', 'must have take, report and rate methods (see Quota)');
  }
  return value as Quota;
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
  for (const name of ['onRequest', 'onReply', 'onRetry', 'onQuotaError']) {
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
  const instances = checkInstances(options['instances'], 'createChatClient: options.instances');
  if (fetchOption !== undefined && typeof fetchOption !== 'function') fail('fetch', 'must be a function');
  const baseUrl = resolveBaseUrl(options['region'], options['baseUrl']);
  return {
    sdkAppId: options['sdkAppId'],
    identifier,
    credential: resolveCredential(options),
    baseUrl,
    hosts: resolveHostPlan({ region: options['region'], baseUrl: options['baseUrl'], host: options['host'], failover: options['failover'] }, baseUrl),
    timeoutMs: positiveInteger('timeoutMs', options['timeoutMs'], 10_000),
    retry: resolveRetry(options['retry'], DEFAULT_RETRY, 'createChatClient: options.retry'),
    rateLimit: resolveRateLimit(options['rateLimit']),
    instances,
    quota: resolveQuota(options['quota'], instances),
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
