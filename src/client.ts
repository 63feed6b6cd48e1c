// Assembles the client: options → usersig source → openapi-fetch client with the auth middleware → one method per
// operation of the document, each running validate → (split) → rate limit → attempt, retried.
import createClient, { type Client } from 'openapi-fetch';
import type { paths, operations as OperationTypes } from '../generated/openapi.js';
import { operations, rateLimitMargin, type OperationId } from '../generated/api-facts.js';
import { resolveOptions, type ChatClientOptions } from './options.js';
import { fixedUserSig, signingUserSig, type UserSigSource } from './user-sig-source.js';
import { authMiddleware } from './auth-middleware.js';
import { authQuery } from './auth-query.js';
import { stringifyJson } from './json.js';
import { assertValidRequest } from './validate.js';
import { createPacer, pacerSettings, type Pacer } from './rate-limit.js';
import { roundTripMeter, type RoundTripMeter } from './round-trip.js';
import { pacedSend } from './paced-send.js';
import { withRetries } from './retry.js';
import { sendAttempt, type AttemptContext } from './transport.js';
import { paginate, isPaged, type PagedOperationId } from './paginate.js';
import { chunkPlan, callInChunks, chunkConcurrency, type ChunkFailures, type FailedChunk } from './chunk.js';

/** The request body of an operation, as the document describes it. */
export type RequestOf<Op extends OperationId> = OperationTypes[Op]['requestBody']['content']['application/json'];
/** The 200 reply body of an operation (envelope and fields). */
export type ReplyOf<Op extends OperationId> = OperationTypes[Op]['responses'][200]['content']['application/json'];

export interface CallOptions {
  /** Aborts the call, including its back-off waits and queued rate-limit turn. */
  signal?: AbortSignal;
  /** Extra request headers, e.g. `Prefer: example=failUserSigExpired` to pick a reply of the mock. */
  headers?: HeadersInit;
  /**
   * For a split call: 'reject' (default) fails the whole call on the first failed chunk; 'collect' resolves with the
   * chunks that succeeded merged, and lists the failed ones (items and error) in `failedChunks`.
   */
  chunkFailures?: ChunkFailures;
}

/** What a split call run with `chunkFailures: 'collect'` adds to the merged reply. */
export type CollectedFailures = { failedChunks?: FailedChunk[] };

export type OperationMethods = {
  [Op in OperationId]: (body: RequestOf<Op>, options?: CallOptions) => Promise<ReplyOf<Op> & CollectedFailures>;
};

export interface ChatClient extends OperationMethods {
  /** Pages of a paged operation, fetched one at a time as the loop asks for them. */
  paginate<Op extends PagedOperationId>(operation: Op, body: RequestOf<Op>, options?: CallOptions): AsyncIterable<ReplyOf<Op>>;
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

  /** Per operation: its pacer (null without a rate limit) and its measured round trip, shared by every call. */
  interface Flow {
    pacer: Pacer | null;
    roundTrip: RoundTripMeter;
  }
  const flows = new Map<OperationId, Flow>();
  const flowOf = (operation: OperationId): Flow => {
    let flow = flows.get(operation);
    if (!flow) {
      const limit = options.rateLimit(operation);
      flow = { pacer: limit === null ? null : createPacer(pacerSettings(limit, rateLimitMargin)), roundTrip: roundTripMeter() };
      flows.set(operation, flow);
    }
    return flow;
  };

  /** One logical call (no splitting): every send takes its own turn of the operation's pacer, signature and random. */
  const callOnce = (operation: OperationId, body: unknown, { signal, headers }: CallOptions): Promise<Record<string, unknown>> => {
    const { path } = operations[operation];
    const json = stringifyJson(body);
    const { pacer, roundTrip } = flowOf(operation);
    const send = (): Promise<Record<string, unknown>> => sendAttempt(attemptContext, operation, path, json, signal, headers);
    return withRetries(operation, () => pacedSend(send, { pacer, roundTrip, signal }), options.retry, {
      renewUserSig: () => userSig.renew(),
      signal,
    });
  };

  const operationIds = Object.keys(operations) as OperationId[];
  const chunkPlans = new Map(operationIds.map((operation) => [operation, chunkPlan(operation, options.chunkSize)]));

  const call = async (operation: OperationId, body: unknown, callOptions: CallOptions = {}): Promise<Record<string, unknown>> => {
    assertValidRequest(operation, body);
    const plan = chunkPlans.get(operation) ?? null;
    const items = plan ? (body as Record<string, unknown>)[plan.field] : undefined;
    if (plan && Array.isArray(items) && items.length > plan.size) {
      const flow = flowOf(operation);
      const run = {
        signal: callOptions.signal,
        concurrency: () => chunkConcurrency(flow.pacer?.rate ?? null, flow.roundTrip.ms, options.chunkConcurrency),
        failures: callOptions.chunkFailures ?? 'reject',
      };
      return callInChunks(operation, plan, body as Record<string, unknown>, run, (chunk, chunkSignal) =>
        callOnce(operation, chunk, { ...callOptions, signal: chunkSignal }),
      );
    }
    return callOnce(operation, body, callOptions);
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
    paginate<Op extends PagedOperationId>(operation: Op, body: RequestOf<Op>, callOptions?: CallOptions) {
      if (!isPaged(operation)) throw new TypeError(`paginate: ${String(operation)} is not a paged operation`);
      return paginate(operation, body, (page) => call(operation, page, callOptions)) as AsyncIterable<ReplyOf<Op>>;
    },
  };
}
