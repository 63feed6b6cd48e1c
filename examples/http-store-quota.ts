// A quota kept in a store reached over HTTP, for runtimes without a TCP Redis client (edge workers): the store runs
// the in-process quota (one per app, e.g. in a Cloudflare Durable Object, which serves one object's requests one at a
// time), and every instance takes its permits from it with fetch. `quotaStoreHandler` is the store's fetch handler;
// `createHttpStoreQuota` is what each instance passes to createChatClient({ quota }). Platform APIs only.
import type { Quota, QuotaLane, QuotaVerdict } from '../src/quota/quota.js';

/** The store's side: answers POST /take when `quota` grants a permit, and POST /report at once. */
export function quotaStoreHandler(quota: Quota): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    const body = (await request.json()) as { lane: QuotaLane; verdict?: QuotaVerdict };
    if (pathname === '/take') {
      // The instance gave up (its request was aborted): the permit is not held for it.
      await quota.take(body.lane, request.signal);
      return Response.json({ rate: quota.rate(body.lane) ?? null });
    }
    if (pathname === '/report' && (body.verdict === 'accepted' || body.verdict === 'refused')) {
      await quota.report(body.lane, body.verdict);
      return new Response(null, { status: 204 });
    }
    return new Response('not found', { status: 404 });
  };
}

export interface HttpStoreQuotaOptions {
  /** The store's base URL. */
  url: string;
  /** Where permits come from while the store cannot be reached (e.g. createLocalQuota({ instances })). */
  fallback: Quota;
  fetch?: typeof fetch;
}

/** An instance's side: each permit is one request to the store; a store that fails gives the permit to `fallback`. */
export function createHttpStoreQuota(options: HttpStoreQuotaOptions): Quota {
  const send = options.fetch ?? fetch;
  const rates = new Map<string, number>();
  /** Whether the last take's permit came from the store (the one schedule of every instance), not from `fallback`. */
  let fromStore = true;
  const post = (path: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
    send(new URL(path, options.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: signal ?? null });
  return {
    async take(lane, signal) {
      try {
        const response = await post('/take', { lane }, signal);
        if (!response.ok) throw new Error(`quota store answered ${response.status}`);
        const { rate } = (await response.json()) as { rate: number | null };
        if (rate === null) rates.delete(lane.key);
        else rates.set(lane.key, rate);
        fromStore = true;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        rates.delete(lane.key);
        fromStore = false;
        await options.fallback.take(lane, signal);
      }
    },
    report(lane, verdict) {
      void options.fallback.report(lane, verdict);
      return post('/report', { lane, verdict }).then(() => undefined);
    },
    rate: (lane) => rates.get(lane.key) ?? options.fallback.rate(lane),
    get shared() {
      return fromStore;
    },
  };
}
