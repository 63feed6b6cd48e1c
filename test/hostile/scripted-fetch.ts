// An in-memory stand-in for the vendor, used as the client's `fetch`: every request is recorded with its exact body,
// and answered either at once by a handler or later by the test (`respond`), so ordering tests need no clock at all.
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { createChatClient, type ChatClient } from '../../src/client.js';

export interface Exchange {
  index: number;
  url: URL;
  /** The body exactly as sent. */
  body: string;
  signal: AbortSignal;
  /** Answers this request (HTTP 200 unless told). */
  respond(text: string, status?: number): void;
  readonly answered: boolean;
}

export interface ScriptedFetch {
  fetch: (request: Request) => Promise<Response>;
  requests: Exchange[];
  /** Resolves with the request of that 0-based index once it has been sent. */
  request(index: number): Promise<Exchange>;
}

/** `handler` answers at once; without one, each request waits for the test's `respond`. */
export function scriptedFetch(handler?: (exchange: Exchange) => string | { status: number; text: string }): ScriptedFetch {
  const requests: Exchange[] = [];
  const waiting = new Map<number, (exchange: Exchange) => void>();
  const fetch = async (request: Request): Promise<Response> => {
    const body = await request.text();
    return new Promise<Response>((resolve, reject) => {
      let answered = false;
      const exchange: Exchange = {
        index: requests.length,
        url: new URL(request.url),
        body,
        signal: request.signal,
        respond(text, status = 200) {
          answered = true;
          resolve(new Response(text, { status, headers: { 'content-type': 'application/json' } }));
        },
        get answered() {
          return answered;
        },
      };
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      requests.push(exchange);
      waiting.get(exchange.index)?.(exchange);
      if (handler) {
        const answer = handler(exchange);
        if (typeof answer === 'string') exchange.respond(answer);
        else exchange.respond(answer.text, answer.status);
      }
    });
  };
  return {
    fetch,
    requests,
    request(index) {
      const sent = requests[index];
      if (sent) return Promise.resolve(sent);
      return new Promise((resolve) => waiting.set(index, resolve));
    },
  };
}

/** A client on a scripted fetch: no retries, no rate limit, unless `overrides` say otherwise. */
export function clientOn(scripted: ScriptedFetch, overrides: Record<string, unknown> = {}): ChatClient {
  return createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
    baseUrl: 'http://127.0.0.1:9',
    fetch: scripted.fetch,
    retry: false,
    rateLimit: false,
    ...overrides,
  } as Parameters<typeof createChatClient>[0]);
}

export const okEnvelope = (fields: string): string => `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""${fields ? `,${fields}` : ''}}`;

/** Lets every pending promise job and immediate run; the scripted fetch does no I/O, so this settles the client. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await nextMacrotask();
}

/** Awaits a promise that must reject, and returns the reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error & Record<string, unknown>;
}
