// Building blocks for testing one pipeline stage at a time: a call, an attempt, and replies.
import type { Attempt, Call, RawReply } from '../../../src/pipeline/context.js';
import type { RetryPolicy } from '../../../src/retry.js';

export const policy: RetryPolicy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0, rateLimitRetries: 2 };

export function makeCall(overrides: Partial<Call> = {}): Call {
  return {
    name: 'getFriendLists',
    operation: 'getFriendLists',
    path: '/v4/sns/group_get',
    idempotent: true,
    body: { From_Account: 'alice' },
    signal: undefined,
    callerSignal: undefined,
    headers: undefined,
    timeoutMs: 1000,
    retry: policy,
    chunkFailures: 'reject',
    ...overrides,
  };
}

export function makeAttempt(call: Call = makeCall(), overrides: Partial<Attempt> = {}): Attempt {
  return { call, json: JSON.stringify(call.body), number: 1, sent: false, url: 'https://host.example/v4/sns/group_get?usersig=SIG', userSig: 'SIG', ...overrides };
}

export function raw(status: number, body: unknown, headers: Record<string, string> = {}): RawReply {
  return { status, headers: new Headers(headers), text: typeof body === 'string' ? body : JSON.stringify(body) };
}

export const ok = (fields: Record<string, unknown> = {}) => ({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields });
