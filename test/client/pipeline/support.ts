// Building blocks for testing one pipeline stage at a time: a call, an attempt, and replies.
import type { Attempt, RawReply, SerializedCall, SignedAttempt } from '../../../src/pipeline/context.js';
import type { RetryPolicy } from '../../../src/retry-policy.js';

export const policy: RetryPolicy = { retries: 2, baseDelayMs: 0, maxDelayMs: 0, rateLimitResends: 2, maxRetryAfterMs: 10_000 };

export function makeCall(overrides: Partial<SerializedCall> = {}): SerializedCall {
  const body = overrides.body ?? { From_Account: 'alice' };
  return {
    name: 'getFriendLists',
    operation: 'getFriendLists',
    path: '/v4/sns/group_get',
    idempotent: true,
    body,
    json: overrides.json ?? '{"From_Account":"alice"}',
    signal: undefined,
    callerSignal: undefined,
    headers: undefined,
    timeoutMs: 1000,
    retry: policy,
    chunkFailures: 'reject',
    ...overrides,
  };
}

export function makeAttempt(call: SerializedCall = makeCall(), overrides: Partial<SignedAttempt> = {}): SignedAttempt {
  return { call, sent: 0, url: 'https://host.example/v4/sns/group_get?usersig=SIG', secrets: ['SIG'], ...overrides };
}

export function unsigned(call: SerializedCall = makeCall(), sent = 0): Attempt {
  return { call, sent };
}

export function raw(status: number, body: unknown, headers: Record<string, string> = {}): RawReply {
  return { status, headers: new Headers(headers), text: typeof body === 'string' ? body : JSON.stringify(body) };
}

export const ok = (fields: Record<string, unknown> = {}) => ({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields });
