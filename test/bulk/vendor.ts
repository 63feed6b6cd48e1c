// An in-memory vendor for bulk-work tests on fake clocks: the client's `fetch` option, a fixed latency on each way,
// and per path a sliding 1 s window of accepted calls counted at arrival, answering 60007 FAIL beyond its limit. Several
// clients given the same vendor share its quota. Everything runs on (fake) timers, so a test drives time itself and
// sees the same schedule on any machine.
import { createChatClient, type ChatClient } from '../../src/client.js';
import type { ChatClientOptions } from '../../src/options.js';

export interface VendorOptions {
  /** Accepted calls per path in any 1 s window (null: no limit). */
  limitPerSecond: number | null;
  /** One-way latency in ms (the round trip is twice this). */
  oneWayMs: number;
  /** Extra delay per direction, drawn from this (default none). */
  jitterMs?: () => number;
  /** Answers a request with a FAIL code instead of its reply (checked after the rate limit). */
  fail?: (path: string, body: Record<string, unknown>) => number | undefined;
}

export interface Vendor {
  fetch(request: Request): Promise<Response>;
  /** Arrival times (ms, fake performance clock) of every request, accepted or not. */
  readonly arrivals: number[];
  /** Arrival times of the accepted requests. */
  readonly accepted: number[];
  /** How many requests were answered 60007. */
  readonly rateLimited: number;
  /** Requests sent and not yet answered, and the most at any time. */
  readonly inFlight: number;
  readonly peakInFlight: number;
}

const WINDOW_MS = 1000;

export function fakeVendor(options: VendorOptions): Vendor {
  const windows = new Map<string, number[]>();
  const arrivals: number[] = [];
  const accepted: number[] = [];
  let rateLimited = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const envelope = (fields: Record<string, unknown>): Response =>
    new Response(JSON.stringify(fields), { status: 200, headers: { 'content-type': 'application/json' } });

  const answer = (path: string, body: Record<string, unknown>): Record<string, unknown> => {
    const at = performance.now();
    arrivals.push(at);
    if (options.limitPerSecond !== null) {
      const window = windows.get(path) ?? [];
      while (window.length > 0 && (window[0] as number) <= at - WINDOW_MS) window.shift();
      windows.set(path, window);
      if (window.length >= options.limitPerSecond) {
        rateLimited += 1;
        return { ActionStatus: 'FAIL', ErrorCode: 60007, ErrorInfo: 'REST API calls exceed the rate limit' };
      }
      window.push(at);
    }
    const code = options.fail?.(path, body);
    if (code !== undefined) return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: `error ${code}` };
    accepted.push(at);
    const accounts = body['To_Account'];
    if (Array.isArray(accounts)) {
      return {
        ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '',
        InfoItem: accounts.map((account) => ({ To_Account: account, ResultCode: 0 })),
        Fail_Account: [],
      };
    }
    return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ResultItem: [], CurrentSequence: 1 };
  };

  return {
    async fetch(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname;
      const body = JSON.parse(await request.text()) as Record<string, unknown>;
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      try {
        await delay(options.oneWayMs + (options.jitterMs?.() ?? 0));
        const reply = answer(path, body);
        await delay(options.oneWayMs + (options.jitterMs?.() ?? 0));
        return envelope(reply);
      } finally {
        inFlight -= 1;
      }
    },
    arrivals,
    accepted,
    get rateLimited() {
      return rateLimited;
    },
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
  };
}

/** A client of the vendor: a pre-made usersig (no signing on the fake clock), the document's rate limits. */
export function vendorClient(vendor: Vendor, overrides: Partial<Record<keyof ChatClientOptions, unknown>> = {}): ChatClient {
  return createChatClient({
    sdkAppId: 1400000000,
    identifier: 'administrator',
    userSig: 'eJwrUSrOzkstVrIyMjA0MTA2MjA0MjIwNDU1MjYwMjA0MjIw',
    baseUrl: 'http://127.0.0.1:9',
    fetch: (request: Request) => vendor.fetch(request),
    ...overrides,
  } as ChatClientOptions);
}

/** Advances fake time in steps until `done()`, failing after `limitMs` of fake time. */
export async function runUntil(done: () => boolean, advance: (ms: number) => Promise<unknown>, limitMs = 600_000, stepMs = 250): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > limitMs) throw new Error(`not done after ${limitMs} ms of fake time`);
    await advance(stepMs);
  }
  return performance.now() - start;
}
