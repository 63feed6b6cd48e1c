// The stateful fake vendor: one object that answers the four operations of the document from a dataset, the way the
// vendor does — auth parameters and usersig checked, bodies validated with the generated validators, the per-API
// rate limit enforced over a sliding one-second window of arrivals, scripted faults, simulated latency — and records
// every call. `fetch` plugs it into the client; the loopback server (server.ts) puts the same object behind HTTP.
import { operations, type OperationId } from '../../generated/api-facts.js';
import { requestValidators } from '../../generated/validators.js';
import { buildStore, type FakeDataset } from './dataset.js';
import { answerOperation, type Body, type PagingOptions } from './operations.js';
import { authChecker, recordedAuth, type RecordedAuth } from './auth.js';
import { slidingWindow, type SlidingWindow } from './rate-window.js';
import { faultQueue, type Fault } from './faults.js';
import { statsCounter, type FakeVendorStats } from './stats.js';
import { parseWireJson, stringifyWireJson } from './wire-json.js';
import { vendorCodes } from './vendor-codes.js';
import { wireProblem } from './wire-rules.js';
import { sleep } from '../retry-policy.js';

/** Credentials of the fake's app. A test key, not a secret: it signs usersigs for the fake only. */
export const FAKE_APP = { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'fake-vendor-test-key-0123456789abcdef' } as const;

export interface LatencyOptions {
  /** Round trip in ms: half is spent before the request arrives, half before the reply leaves. */
  rttMs: number;
  /** Each direction adds a uniformly random 0–jitterMs. */
  jitterMs?: number;
}

export interface FakeVendorOptions {
  dataset?: FakeDataset;
  /** The app: its SDKAppID, admin identifier and the secret key usersigs are verified with (default FAKE_APP). */
  sdkAppId?: number;
  identifier?: string;
  secretKey?: string;
  /** App admins besides `identifier`. */
  admins?: string[];
  /** The vendor's clock in ms (default Date.now): usersig expiry and the rate-limit window. */
  now?: () => number;
  /**
   * Calls per second per API: the document's `x-rate-limit` by default; a number for every operation; per
   * operation (null = unlimited); or false for no limit.
   */
  rateLimit?: false | number | Partial<Record<OperationId, number | null>>;
  latency?: LatencyOptions;
  /** Source of jitter (default Math.random). */
  random?: () => number;
  /** The first `Next` cursor of get_appid_group_list (default 4454685360, above 2^32 like the vendor's). */
  cursorBase?: bigint | number;
  /** Conversations per get_contact_group page (default 100). */
  contactPageSize?: number;
  /** Keep every call in `calls` (default true; off for long benchmarks). */
  recordCalls?: boolean;
}

export interface RecordedCall {
  /** Null when the path is not one of the document's operations. */
  operation: OperationId | null;
  path: string;
  /** The body as parsed (integers beyond 2^53 as bigint); the raw text when it was not JSON. */
  body: unknown;
  /** The query parameters except usersig, which is never recorded. */
  auth: RecordedAuth;
  /** Arrival time on the fake's clock. */
  at: number;
  /** The reply's ErrorCode; null for a reset, a hang or a non-200 reply. */
  errorCode: number | null;
  httpStatus: number | null;
  fault: 'reset' | 'hang' | null;
}

/** A request as the fake sees it, from fetch or from the loopback server. */
export interface VendorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  signal?: AbortSignal | undefined;
  /** Added to the inbound delay (the loopback server's handshake delay on a new connection). */
  extraDelayMs?: number;
}

export type VendorOutcome =
  /** `headers` holds SCRIPTED_HEADER on a reply scripted with `{ httpStatus }`, which need not follow the document. */
  | { kind: 'reply'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'reset' }
  | { kind: 'hang' };

export interface FakeVendor {
  /** A fetch for the client's `fetch` option. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Answers one request (used by the loopback server). Rejects with `signal.reason` when the caller gives up. */
  handle(request: VendorRequest): Promise<VendorOutcome>;
  /** Options for createChatClient that point a client at this fake (spread them and add your own). */
  clientOptions(): { sdkAppId: number; identifier: string; secretKey: string; baseUrl: string; fetch: (request: Request) => Promise<Response> };
  readonly credentials: { sdkAppId: number; identifier: string; secretKey: string };
  /** Every call so far, in arrival order (when `recordCalls` is on). */
  readonly calls: readonly RecordedCall[];
  callsOf(operation: OperationId): RecordedCall[];
  /** The next `times` calls of `operation` ('*' for any) answer with `fault`. */
  inject(operation: OperationId | '*', fault: Fault, times?: number): void;
  /** Scripted faults not yet used. */
  readonly pendingFaults: number;
  stats(): FakeVendorStats;
  /** Forgets calls, counters and scripted faults (the dataset and rate windows stay). */
  reset(): void;
}

// An address that can never resolve, so a client that forgot the `fetch` option fails instead of calling the vendor.
const UNREACHABLE_BASE_URL = 'https://fake-vendor.invalid';
const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
/** Marks a reply scripted with `{ httpStatus }`, so a checker of the fake's replies can tell it from the fake's own. */
export const SCRIPTED_HEADER = 'x-fake-vendor-scripted';

const pathToOperation = new Map<string, OperationId>(
  (Object.entries(operations) as [OperationId, (typeof operations)[OperationId]][]).map(([op, facts]) => [facts.path, op]),
);

/** The client's abortable wait, without a timer turn when there is nothing to wait for. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return sleep(ms, signal);
}

/**
 * A copy in which bigint values are numbers of about the same size, for the generated validators (they check
 * `typeof`); the exact 64-bit rules are checked by wireProblem.
 */
function forValidation(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(forValidation);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, forValidation(inner)]));
  }
  return value;
}

function rateLimits(option: FakeVendorOptions['rateLimit']): Map<OperationId, SlidingWindow> {
  const windows = new Map<OperationId, SlidingWindow>();
  if (option === false) return windows;
  for (const op of Object.keys(operations) as OperationId[]) {
    const documented = operations[op].requestsPerSecond as number | null;
    const limit = option === undefined ? documented : typeof option === 'number' ? option : op in option ? option[op] : documented;
    if (limit !== null && limit !== undefined) {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`createFakeVendor: rateLimit for ${op} must be a positive integer (got ${String(limit)})`);
      windows.set(op, slidingWindow(limit));
    }
  }
  return windows;
}

export function createFakeVendor(options: FakeVendorOptions = {}): FakeVendor {
  const credentials = {
    sdkAppId: options.sdkAppId ?? FAKE_APP.sdkAppId,
    identifier: options.identifier ?? FAKE_APP.identifier,
    secretKey: options.secretKey ?? FAKE_APP.secretKey,
  };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const store = buildStore(options.dataset ?? {});
  const checkAuth = authChecker({ ...credentials, admins: [credentials.identifier, ...(options.admins ?? [])] });
  const windows = rateLimits(options.rateLimit);
  const faults = faultQueue();
  const stats = statsCounter(now());
  const paging: PagingOptions = {
    cursorBase: BigInt(options.cursorBase ?? 4454685360n),
    contactPageSize: options.contactPageSize ?? 100,
  };
  const recordCalls = options.recordCalls ?? true;
  let calls: RecordedCall[] = [];
  const jitter = (): number => (options.latency?.jitterMs ? random() * options.latency.jitterMs : 0);
  const oneWay = (): number => (options.latency ? options.latency.rttMs / 2 + jitter() : 0);

  const envelope = (code: number, info: string): Body => ({ ActionStatus: code === 0 ? 'OK' : 'FAIL', ErrorCode: code, ErrorInfo: info, ErrorDisplay: '' });

  async function answer(request: VendorRequest, record: RecordedCall, operation: OperationId | null, parsed: { ok: boolean; value: unknown }): Promise<VendorOutcome> {
    const reply = (status: number, body: string, headers: Record<string, string> = JSON_HEADERS): VendorOutcome => ({ kind: 'reply', status, headers, body });
    const fail = (code: number, info: string): VendorOutcome => {
      record.errorCode = code;
      return reply(200, stringifyWireJson(envelope(code, info)));
    };
    if (!operation) return fail(vendorCodes.unknownPath, `no API at ${request.path}`);
    if (request.method !== 'POST') return fail(vendorCodes.httpFormat, `${request.method} is not supported; use POST`);

    const window = windows.get(operation);
    if (window && !window.admit(record.at)) return fail(vendorCodes.rateLimited, 'REST API calls exceed the rate limit');

    const fault = faults.take(operation);
    if (fault !== undefined) {
      if (typeof fault === 'number') return fail(fault, `scripted error ${fault}`);
      if ('code' in fault) return fail(fault.code, fault.info ?? `scripted error ${fault.code}`);
      if ('httpStatus' in fault) {
        record.httpStatus = fault.httpStatus;
        const page = fault.body ?? `<html><body><h1>${fault.httpStatus} Bad Gateway</h1></body></html>`;
        return reply(fault.httpStatus, page, { 'content-type': fault.contentType ?? 'text/html', [SCRIPTED_HEADER]: 'http' });
      }
      if ('reset' in fault) return { kind: 'reset' };
      if ('hang' in fault) return { kind: 'hang' };
      await delay(fault.delayMs, request.signal);
    }

    if (!parsed.ok) return fail(vendorCodes.notJson, 'the request body is not valid JSON');
    const auth = await checkAuth(request.query, record.at);
    if (!auth.ok) return fail(auth.code, auth.info);
    if (!auth.admin) return fail(vendorCodes.notAdmin[operation], `${auth.identifier} is not an app admin`);

    // The exact 64-bit and byte-length rules first: they name the rule more precisely than the schema's double view.
    const problem = wireProblem(operation, parsed.value);
    if (problem) return fail(vendorCodes.invalidBody[operation], problem);
    const validate = requestValidators[operation];
    if (!validate(forValidation(parsed.value))) {
      const first = validate.errors?.[0];
      const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'body';
      return fail(vendorCodes.invalidBody[operation], `${where}: ${first?.message ?? 'invalid'}`);
    }
    const result = answerOperation(operation, store, parsed.value as Body, paging);
    if (!result.ok) return fail(result.code, result.info);
    record.errorCode = 0;
    return reply(200, stringifyWireJson({ ...envelope(0, ''), ...result.fields }));
  }

  async function handle(request: VendorRequest): Promise<VendorOutcome> {
    stats.enter();
    try {
      return await handleInFlight(request);
    } finally {
      stats.leave();
    }
  }

  async function handleInFlight(request: VendorRequest): Promise<VendorOutcome> {
    await delay(oneWay() + (request.extraDelayMs ?? 0), request.signal);
    const at = now();
    const operation = pathToOperation.get(request.path) ?? null;
    let parsed: { ok: boolean; value: unknown };
    try {
      parsed = { ok: true, value: parseWireJson(request.body) };
    } catch {
      parsed = { ok: false, value: request.body };
    }
    const record: RecordedCall = { operation, path: request.path, body: parsed.value, auth: recordedAuth(request.query), at, errorCode: null, httpStatus: null, fault: null };
    if (recordCalls) calls.push(record);
    stats.request(operation);
    const outcome = await answer(request, record, operation, parsed);
    if (outcome.kind === 'reply') {
      record.httpStatus = outcome.status;
      stats.reply(operation, record.errorCode, outcome.status, outcome.body.length, at, vendorCodes.rateLimited);
      await delay(oneWay(), request.signal);
    } else {
      record.fault = outcome.kind;
      if (outcome.kind === 'reset') stats.dropped();
      else stats.hang();
    }
    return outcome;
  }

  async function fakeFetch(input: Request): Promise<Response> {
    const url = new URL(input.url);
    const body = await input.text();
    const outcome = await handle({ method: input.method, path: url.pathname, query: url.searchParams, body, signal: input.signal });
    switch (outcome.kind) {
      case 'reply':
        return new Response(outcome.body, { status: outcome.status, headers: outcome.headers });
      case 'reset':
        // What undici's fetch throws when the server drops the connection.
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      case 'hang':
        return new Promise<Response>((_, reject) => {
          if (input.signal.aborted) reject(input.signal.reason);
          input.signal.addEventListener('abort', () => reject(input.signal.reason), { once: true });
        });
    }
  }

  return {
    fetch: fakeFetch,
    handle,
    credentials,
    clientOptions: () => ({ ...credentials, baseUrl: UNREACHABLE_BASE_URL, fetch: fakeFetch }),
    get calls() {
      return calls;
    },
    callsOf: (operation) => calls.filter((call) => call.operation === operation),
    inject(operation, fault, times = 1) {
      if (operation !== '*' && !(typeof operation === 'string' && Object.hasOwn(operations, operation))) {
        throw new TypeError(`inject: operation must be '*' or an operation of the document, such as getFriendLists (got ${JSON.stringify(operation)})`);
      }
      faults.add(operation, fault, times);
    },
    get pendingFaults() {
      return faults.pending;
    },
    stats: () => stats.snapshot(),
    reset() {
      calls = [];
      faults.clear();
      stats.clear(now());
    },
  };
}
