// Assembles the client: options → usersig source → openapi-fetch client with the auth middleware → one method per
// operation of the document, each running validate → (split) → rate limit → attempt, retried.
import createClient, { type Client } from 'openapi-fetch';
import type { paths, operations as OperationTypes } from '../generated/openapi.js';
import { operations, type OperationId } from '../generated/api-facts.js';
import { resolveOptions, type ChatClientOptions } from './options.js';
import { fixedUserSig, signingUserSig, type UserSigSource } from './user-sig-source.js';
import { authMiddleware } from './auth-middleware.js';
import { authQuery } from './auth-query.js';
import { stringifyJson } from './json.js';
import { assertValidRequest } from './validate.js';
import { rateLimiter, type Scheduler } from './rate-limit.js';
import { withRetries } from './retry.js';
import { sendAttempt, type AttemptContext } from './transport.js';
import { paginate, isPaged, type PagedOperationId, type PaginateOptions, type PageWalk, type ItemsFieldOf, type ListItemOf } from './paginate.js';
import { chunkPlan, callInChunks } from './chunk.js';

/** The request body of an operation, as the document describes it. */
export type RequestOf<Op extends OperationId> = OperationTypes[Op]['requestBody']['content']['application/json'];
/** The 200 reply body of an operation (envelope and fields). */
export type ReplyOf<Op extends OperationId> = OperationTypes[Op]['responses'][200]['content']['application/json'];

export interface CallOptions {
  /** Aborts the call, including its back-off waits and queued rate-limit turn. */
  signal?: AbortSignal;
  /** Extra request headers, e.g. `Prefer: example=failUserSigExpired` to pick a reply of the mock. */
  headers?: HeadersInit;
}

/** One item of a paged operation's list (a group of getAppGroups, a conversation of getConversationGroupMarks). */
export type ItemOf<Op extends PagedOperationId> = ListItemOf<ReplyOf<Op>, ItemsFieldOf<Op>>;

export type OperationMethods = {
  [Op in OperationId]: (body: RequestOf<Op>, options?: CallOptions) => Promise<ReplyOf<Op>>;
};

export interface ChatClient extends OperationMethods {
  /** Pages of a paged operation (`for await`), its items (`.items()`) and a `summary`; see PaginateOptions. */
  paginate<Op extends PagedOperationId>(operation: Op, body: RequestOf<Op>, options?: CallOptions & PaginateOptions): PageWalk<ReplyOf<Op>, ItemOf<Op>>;
  /** The openapi-fetch client with the auth middleware, for `{ data, error, response }` calls (no retries, no checks). */
  readonly api: Client<paths>;
}

export function createChatClient(input: ChatClientOptions): ChatClient {
  const options = resolveOptions(input);
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
  const query = authQuery({ sdkAppId: options.sdkAppId, identifier: options.identifier, userSig: () => userSig.current() });
  const api = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  api.use(authMiddleware(query));
  const attemptContext: AttemptContext = {
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    query,
    timeoutMs: options.timeoutMs,
    secrets: () => userSig.secrets(),
  };

  const schedulers = new Map<OperationId, Scheduler>();
  const schedulerOf = (operation: OperationId): Scheduler => {
    let scheduler = schedulers.get(operation);
    if (!scheduler) schedulers.set(operation, (scheduler = rateLimiter(options.rateLimit(operation))));
    return scheduler;
  };

  /** One logical call (no splitting): every attempt takes its own rate-limit turn, signature and random. */
  const callOnce = (operation: OperationId, body: unknown, { signal, headers }: CallOptions): Promise<Record<string, unknown>> => {
    const { path } = operations[operation];
    const json = stringifyJson(body);
    const schedule = schedulerOf(operation);
    return withRetries(operation, () => schedule(() => sendAttempt(attemptContext, operation, path, json, signal, headers), signal), options.retry, {
      renewUserSig: () => userSig.renew(),
      signal,
    });
  };

  const operationIds = Object.keys(operations) as OperationId[];
  const chunkPlans = new Map(operationIds.map((operation) => [operation, chunkPlan(operation, options.chunkSize)]));

  const call = async (operation: OperationId, body: unknown, callOptions: CallOptions = {}): Promise<Record<string, unknown>> => {
    // The checked copy is what goes out: int64 fields as bigint, and nothing the caller changes later.
    const wire = assertValidRequest(operation, body);
    const plan = chunkPlans.get(operation) ?? null;
    const items = plan ? wire[plan.field] : undefined;
    if (plan && Array.isArray(items) && items.length > plan.size) {
      return callInChunks(operation, plan, wire, options.chunkConcurrency, callOptions.signal, (chunk, chunkSignal) =>
        callOnce(operation, chunk, { ...callOptions, signal: chunkSignal }),
      );
    }
    return callOnce(operation, wire, callOptions);
  };

  const methods = Object.fromEntries(
    operationIds.map((operation) => [
      operation,
      (body: unknown, callOptions?: CallOptions) => call(operation, body, callOptions),
    ]),
  ) as unknown as OperationMethods;

  return {
    ...methods,
    api,
    paginate<Op extends PagedOperationId>(operation: Op, body: RequestOf<Op>, walkOptions: CallOptions & PaginateOptions = {}) {
      if (!isPaged(operation)) throw new TypeError(`paginate: ${String(operation)} is not a paged operation`);
      const { readAhead, maxPages, ...callOptions } = walkOptions;
      return paginate<ReplyOf<Op>, ItemOf<Op>>(
        operation,
        body,
        (page, signal) => call(operation, page, { ...callOptions, signal }) as Promise<ReplyOf<Op>>,
        { readAhead, maxPages, signal: callOptions.signal },
      );
    },
  };
}
