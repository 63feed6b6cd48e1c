// Assembles the client: options → usersig source → one request pipeline, which every way of calling goes through:
// the methods generated from the document, `paginate`, split calls, `request(path, body)` and `client.api`.
//
//   validate → split → serialize → retry ⟲ [ sign → throttle → envelope check ← attempt with time limit ]
//
// The call stages (left) run once per call or chunk; the bracketed attempt stages run for every attempt. Each stage
// owns one concern (src/pipeline/context.ts); no stage imports another, and this file is where they meet.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi.js';
import { operations, type OperationId } from '../generated/api-facts.js';
import type { OperationMethods } from '../generated/methods.js';
import { resolveOptions } from './options.js';
import { resolveRetry } from './retry-policy.js';
import { fixedUserSig, signingUserSig, type UserSigSource } from './user-sig-source.js';
import { authQuery } from './auth-query.js';
import { stringifyJson } from './json.js';
import { paginate, isPaged, type PagedOperationId, type ItemsFieldOf, type ListItemOf } from './paginate.js';
import { followSignal } from './attempt-signal.js';
import { compose, type Call, type Envelope } from './pipeline/context.js';
import { validateStage } from './pipeline/validate-stage.js';
import { splitStage } from './pipeline/split-stage.js';
import { serializeStage } from './pipeline/serialize-stage.js';
import { retryStage } from './pipeline/retry-stage.js';
import { signStage } from './pipeline/sign-stage.js';
import { throttleStage } from './pipeline/throttle-stage.js';
import { envelopeStage } from './pipeline/envelope-stage.js';
import { attemptStage } from './pipeline/attempt-stage.js';
import { flows } from './pipeline/flow.js';
import { callerAbortError } from './pipeline/failures.js';
import { apiFetch } from './pipeline/api-fetch.js';
import { hostChooser } from './hosts.js';
import { watchDrift } from './drift/watch.js';
import type { CallOptions, ChatClientOptions, ChunkFailures, HeadersLike, PageWalk, PaginateOptions, RequestOf, SuccessOf } from './types.js';

export type { OperationMethods };

type Pagination<Op extends PagedOperationId> = NonNullable<(typeof operations)[Op]['pagination']>;
type CursorField<Op extends PagedOperationId> = Pagination<Op>['cursor']['request'];

/** A paged operation's body: the cursor is optional, since paginate fills it in (from its start value). */
export type PageRequestOf<Op extends PagedOperationId> = Omit<RequestOf<Op>, CursorField<Op>> &
  Partial<Pick<RequestOf<Op>, CursorField<Op> & keyof RequestOf<Op>>>;
/** One item of a paged operation's list (x-pagination.items): a group of getAppGroups, a conversation… */
export type PageItemOf<Op extends PagedOperationId> = ListItemOf<SuccessOf<Op>, ItemsFieldOf<Op>>;

type PathOf<Op extends OperationId> = (typeof operations)[Op]['path'];
type OperationAt<P extends string> = {
  [Op in OperationId]: P extends PathOf<Op> ? Op : `/${P}` extends PathOf<Op> ? Op : never;
}[OperationId];
/** The body `request()` takes for a path: the operation's when the document describes the path. */
export type PathRequest<P extends string> = [OperationAt<P>] extends [never] ? Record<string, unknown> : RequestOf<OperationAt<P>>;
/** What `request()` resolves with for a path. */
export type PathReply<P extends string> = [OperationAt<P>] extends [never] ? Record<string, unknown> : SuccessOf<OperationAt<P>>;

export interface ChatClient extends OperationMethods {
  /**
   * Walks a paged operation: its pages (`for await`), its items (`.items()`) and a `summary`. The body's cursor is
   * optional (the walk starts at the document's start value); see PaginateOptions for read-ahead and a page cap.
   */
  paginate<Op extends PagedOperationId>(
    operation: Op,
    body: PageRequestOf<Op>,
    options?: CallOptions & PaginateOptions,
  ): PageWalk<SuccessOf<Op>, PageItemOf<Op>>;
  /**
   * Any TIM REST path (`'v4/im_open_login_svc/account_check'`, with or without the leading slash) through the same
   * pipeline: signing, rate limit, envelope check, retries, redaction. Typed when the document describes the path;
   * other paths get the public error codes and are re-sent only after failures that provably did not execute.
   */
  request<P extends string>(path: P, body: PathRequest<P>, options?: CallOptions): Promise<PathReply<P>>;
  /**
   * An openapi-fetch client (`{ data, error, response }` calls) whose requests run through the same pipeline
   * (validate, sign, rate limit, retries, time limit, redaction), with lossless JSON (64-bit fields as decimal
   * strings). `data` is the envelope, also when it says FAIL (after retries); `error` is a non-2xx reply's body;
   * failures without a reply reject with ChatApiError. It sends no query parameters of yours (the auth query is the
   * client's), every call is a POST, and the `response` it returns has no `url` (so no usersig).
   */
  readonly api: Client<paths>;
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new TypeError(`call options: ${name} must be a positive integer (got ${String(value)})`);
  return value as number;
}

function callHeaders(value: HeadersLike | undefined): HeadersLike | undefined {
  if (value === undefined) return undefined;
  try {
    new Headers(value);
  } catch {
    // The platform's message quotes the offending value, which may be a credential: it is not passed on.
    throw new TypeError('call options: headers must be header names and values that Headers accepts (no CR, LF or NUL in a value)');
  }
  return value;
}

function chunkFailures(value: unknown): ChunkFailures {
  if (value === undefined) return 'reject';
  if (value !== 'reject' && value !== 'collect') throw new TypeError(`call options: chunkFailures must be 'reject' or 'collect' (got ${String(value)})`);
  return value;
}

const operationByPath = new Map<string, OperationId>((Object.keys(operations) as OperationId[]).map((id) => [operations[id].path, id]));

function normalizePath(path: unknown): string {
  if (typeof path !== 'string' || !/^\/?[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)+$/.test(path)) {
    throw new TypeError(`request: path must look like 'v4/service/command' (got ${JSON.stringify(path)})`);
  }
  return path.startsWith('/') ? path : `/${path}`;
}

export function createChatClient(input: ChatClientOptions): ChatClient {
  const options = resolveOptions(input);
  const secretKey = options.credential.kind === 'secretKey' ? options.credential.secretKey : undefined;
  const userSig: UserSigSource =
    options.credential.kind === 'userSig'
      ? fixedUserSig(options.credential.userSig)
      : signingUserSig({
          sdkAppId: options.sdkAppId,
          identifier: options.identifier,
          secretKey: options.credential.secretKey,
          lifetimeSeconds: options.userSigLifetimeSeconds,
          renewAfter: 0.75,
          now: Date.now,
        });

  // One quota lane and round-trip meter per operation (or undocumented path) per client.
  const flowOf = flows(options.sdkAppId, (call) => options.rateLimit(call.operation, call.path));
  const { hooks, quota } = options;

  const sign = signStage({ hosts: hostChooser(options.hosts), userSig, query: authQuery(options), secretKey, hooks });
  const throttle = throttleStage({ quota, flowOf, hooks });
  const transport = watchDrift(options.onDrift)(attemptStage({ fetch: options.fetch, headers: options.headers, maxReplyBytes: options.maxReplyBytes, hooks }));
  const exchange = sign(throttle(envelopeStage(transport)));
  const run = compose(
    [validateStage, splitStage({ chunkSize: options.chunkSize, maxConcurrency: options.chunkConcurrency, flowOf, rateOf: (lane) => quota.rate(lane), sharedQuota: () => quota.shared === true })],
    serializeStage(retryStage(hooks)(exchange)),
  );

  const call = async (operation: OperationId | undefined, path: string, body: unknown, callOptions: CallOptions = {}): Promise<Envelope> => {
    const { signal, headers } = callOptions;
    const name = operation ?? path;
    // The call's own signal follows the caller's through one listener, removed when the call ends: a signal shared by
    // a service's calls holds nothing of the calls that are over.
    const follower = signal === undefined ? undefined : followSignal(signal);
    try {
      const descriptor: Call = {
        name,
        operation,
        path,
        idempotent: operation !== undefined && operations[operation].idempotent,
        body,
        signal: follower?.signal,
        callerSignal: signal,
        headers: callHeaders(headers),
        timeoutMs: callOptions.timeoutMs === undefined ? options.timeoutMs : positiveInteger('timeoutMs', callOptions.timeoutMs),
        retry: callOptions.retry === undefined ? options.retry : resolveRetry(callOptions.retry, options.retry, 'call options: retry'),
        chunkFailures: chunkFailures(callOptions.chunkFailures),
      };
      if (signal?.aborted) throw callerAbortError(descriptor, 0);
      return await run(descriptor);
    } finally {
      follower?.dispose();
    }
  };

  const methods = Object.fromEntries(
    (Object.keys(operations) as OperationId[]).map((operation) => [
      operation,
      (body: unknown = {}, callOptions?: CallOptions) => call(operation, operations[operation].path, body, callOptions),
    ]),
  ) as unknown as OperationMethods;

  const runPath = async (path: string, body: unknown, callOptions?: CallOptions): Promise<Envelope> => {
    const normalized = normalizePath(path);
    return call(operationByPath.get(normalized), normalized, body, callOptions);
  };

  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: apiFetch(options.baseUrl, runPath), bodySerializer: stringifyJson });

  return {
    ...methods,
    api,
    paginate<Op extends PagedOperationId>(operation: Op, body: PageRequestOf<Op>, walkOptions: CallOptions & PaginateOptions = {}) {
      if (!isPaged(operation)) throw new TypeError(`paginate: ${String(operation)} is not a paged operation`);
      const { readAhead, maxPages, ...callOptions } = walkOptions;
      const { path } = operations[operation];
      return paginate<SuccessOf<Op>, PageItemOf<Op>>(
        operation,
        body,
        (page, signal) => call(operation, path, page, { ...callOptions, signal }) as Promise<unknown> as Promise<SuccessOf<Op>>,
        { readAhead, maxPages, signal: callOptions.signal },
      );
    },
    request<P extends string>(path: P, body: PathRequest<P>, callOptions?: CallOptions) {
      return runPath(path, body, callOptions) as Promise<PathReply<P>>;
    },
  };
}
