// Which host each attempt goes to. A region has a primary host and, where the vendor names one, a backup host for when
// the primary host's DNS is hijacked (the document's x-regions). The client sends to the chosen host; with failover
// on, the retry of an idempotent call whose connection failed goes to the region's other host. A connection failure
// (fetch threw) is the symptom of a hijacked or unreachable name; a reply of any kind means the host answered.
import { backupHosts, defaultRegion, type Region } from '../generated/api-facts.js';
import { ChatApiError, TransportCode } from './errors.js';

export type HostChoice = 'primary' | 'backup';

/** The hosts a client sends to, in order of preference, and whether a connection failure moves on to the next. */
export interface HostPlan {
  readonly baseUrls: readonly string[];
  readonly failover: boolean;
}

/** The options as given; `region` and `baseUrl` have been checked already (options.ts). */
export interface HostOptions {
  region: unknown;
  baseUrl: unknown;
  host: unknown;
  failover: unknown;
}

function fail(option: string, rule: string, got?: unknown): never {
  const shown = got === undefined ? '' : ` (got ${typeof got === 'string' ? JSON.stringify(got) : String(got)})`;
  throw new TypeError(`createChatClient: options.${option} ${rule}${shown}`);
}

/** Checks the `host` and `failover` options against the region and gives the plan of hosts. */
export function resolveHostPlan({ region, baseUrl, host, failover }: HostOptions, primaryUrl: string): HostPlan {
  if (host !== undefined && host !== 'primary' && host !== 'backup') fail('host', "must be 'primary' or 'backup'", host);
  if (failover !== undefined && typeof failover !== 'boolean') fail('failover', 'must be a boolean', failover);
  const wantsBackup = host === 'backup' || failover === true;
  if (baseUrl !== undefined) {
    if (wantsBackup) fail(host === 'backup' ? 'host' : 'failover', 'needs a region: a base URL has no backup host');
    return { baseUrls: [primaryUrl], failover: false };
  }
  const name = (region ?? defaultRegion) as Region;
  const backup = backupHosts[name];
  if (wantsBackup && backup === undefined) {
    fail(host === 'backup' ? 'host' : 'failover', `cannot be used with region ${JSON.stringify(name)}: no vendor page names a backup host for it`);
  }
  if (backup === undefined) return { baseUrls: [primaryUrl], failover: false };
  const backupUrl = `https://${backup}`;
  return { baseUrls: host === 'backup' ? [backupUrl, primaryUrl] : [primaryUrl, backupUrl], failover: failover === true };
}

/** Whether an attempt failed before any reply arrived: the connection (DNS, TCP, TLS) failed or broke. */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof ChatApiError && error.code === TransportCode.network;
}

/** The index of the host for the next attempt of a call, after `connectionFailures` failed connections of it. */
export function hostIndex(plan: HostPlan, connectionFailures: number, idempotent: boolean): number {
  if (!plan.failover || !idempotent) return 0;
  return connectionFailures % plan.baseUrls.length;
}

/** The sign stage's view: the base URL for a call's next attempt, and the outcome of each failed attempt. */
export interface HostChooser {
  baseUrlFor(call: { readonly idempotent: boolean }): string;
  failed(call: { readonly idempotent: boolean }, error: unknown): void;
}

/** Counts each call's connection failures (held only as long as the call object lives) to choose its host. */
export function hostChooser(plan: HostPlan): HostChooser {
  const failures = new WeakMap<object, number>();
  return {
    baseUrlFor: (call) => plan.baseUrls[hostIndex(plan, failures.get(call) ?? 0, call.idempotent)]!,
    failed: (call, error) => {
      if (plan.failover && isConnectionFailure(error)) failures.set(call, (failures.get(call) ?? 0) + 1);
    },
  };
}
