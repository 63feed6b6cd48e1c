// Shared set-up for the client's behaviour tests: credentials, a client pointed at the fake upstream, and small
// utilities for reading what the fake recorded.
import { inflateSync } from 'node:zlib';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { expect } from 'vitest';
import { createChatClient, type ChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/types.js';
import { ChatApiError } from '../../src/errors.js';
import type { FakeUpstream } from './fake-upstream.js';
import type { components } from '../../generated/openapi.js';

type ProfileTag = components['schemas']['ProfileTag'];

export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
export const SDK_APP_ID = 1400000000;
export const IDENTIFIER = 'administrator';

/** Options for a client of the fake: fast retries, no rate limit, signed with SECRET_KEY; `overrides` win. */
export function clientOptions(fake: FakeUpstream, overrides: Record<string, unknown> = {}): ChatClientOptions {
  return {
    sdkAppId: SDK_APP_ID,
    identifier: IDENTIFIER,
    secretKey: SECRET_KEY,
    baseUrl: fake.url,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    rateLimit: false,
    ...overrides,
  } as ChatClientOptions;
}

export function makeClient(fake: FakeUpstream, overrides: Record<string, unknown> = {}): ChatClient {
  return createChatClient(clientOptions(fake, overrides));
}

/** A client that uses a pre-made usersig instead of the secret key. */
export function makeUserSigClient(fake: FakeUpstream, userSig: string, overrides: Record<string, unknown> = {}): ChatClient {
  const { secretKey: _dropped, ...options } = clientOptions(fake, overrides) as unknown as Record<string, unknown>;
  return createChatClient({ ...options, userSig } as unknown as ChatClientOptions);
}

/** Awaits a promise that must reject with ChatApiError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<ChatApiError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ChatApiError);
  return outcome.error as ChatApiError;
}

/** The usersig's JSON document, as the official encoding packs it (base64url-ish of zlib deflate). */
export function decodeUserSig(userSig: string): Record<string, unknown> {
  const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8')) as Record<string, unknown>;
}

/** Lets pending I/O callbacks and promise jobs run (real macrotasks, unaffected by fake timers). */
export async function flushIo(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await nextMacrotask();
}

/** Real-time pause (node:timers/promises is not replaced by vi.useFakeTimers). */
export { setTimeout as realDelay } from 'node:timers/promises';

export const friendBody = { From_Account: 'alice' };

export function specifiedFriendsBody(accounts: readonly string[]): {
  From_Account: string;
  To_Account: string[];
  TagList: ProfileTag[];
} {
  return { From_Account: 'alice', To_Account: [...accounts], TagList: ['Tag_SNS_IM_Remark', 'Tag_SNS_IM_AddTime'] };
}

export const accountsNamed = (count: number, prefix = 'user'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/**
 * A fetch that counts the requests the client hands it, then sends them on. Checks that "nothing more was sent" count
 * here after `flushIo()`: a request the pipeline still meant to send is handed over within promise jobs, so the
 * count cannot miss one that is merely slow to reach the server.
 */
export function countingFetch(): { fetch: (request: Request) => Promise<Response>; count: () => number } {
  let handed = 0;
  return {
    fetch: (request) => {
      handed += 1;
      return fetch(request);
    },
    count: () => handed,
  };
}
