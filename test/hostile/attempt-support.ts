// Shared set-up for the attempt tests: a client whose fetch is the test's own function (no network), and a few
// replies such a fetch hands back.
import { createChatClient, type ChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/types.js';

export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

export type TestFetch = (request: Request) => Promise<Response>;

/** A client on the default host whose requests all go to `fetch`; no rate limit, fast retries. */
export function clientWithFetch(fetch: TestFetch, overrides: Record<string, unknown> = {}): ChatClient {
  return createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: SECRET_KEY,
    rateLimit: false,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    fetch,
    ...overrides,
  } as ChatClientOptions);
}

export const okReply = (fields: Record<string, unknown> = {}): Response =>
  new Response(JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields }), { headers: { 'content-type': 'application/json' } });

/** Settles with the outcome instead of throwing, so a test can look at a promise that must stay pending. */
export function track<T>(promise: Promise<T>): { settled: () => boolean; outcome: Promise<{ ok: true; value: T } | { ok: false; error: unknown }> } {
  let settled = false;
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  void outcome.then(() => {
    settled = true;
  });
  return { settled: () => settled, outcome };
}

/** The usersig a request carries, as the server reads it. */
export const sigOf = (request: Request): string => new URL(request.url).searchParams.get('usersig') ?? '';
