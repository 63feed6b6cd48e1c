// A quota shared by every instance of an app through Redis. Each take and each report is one run of the lane script
// (lane-script.ts) on the Redis server; the instance sleeps the wait the script answers, and before it sends on a slot
// it slept for, reads when the lane's rate was last lowered (one HGET), to book again if that came after. Redis is
// never on the critical path of a call: when it cannot be reached, is lost, or answers later than `timeoutMs`, the
// permit comes from an in-process quota at this instance's share (`instances`), the hook hears of it, and the next
// permits go back to Redis once it answers again.
import { sleep } from '../retry-policy.js';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { checkInstances, createLocalQuota } from '../quota/local-quota.js';
import { pacerSettings } from '../quota/pacer.js';
import type { Quota, QuotaLane, QuotaVerdict } from '../quota/quota.js';
import { createBookingGate, type BookingGate } from './booking-gate.js';
import { laneKeys, readLastDecrease, runLaneScript, type LaneKeys, type LaneOp, type LaneSettings } from './lane-script.js';

/** Where permits come from now: the shared lane in Redis, or the in-process fallback. */
export type RedisQuotaState = 'shared' | 'local';

export interface RedisQuotaStateChange {
  state: RedisQuotaState;
  /** Why it fell back (absent when it went back to Redis). */
  error?: unknown;
}

export interface RedisQuotaOptions {
  /** A `redis://` or `rediss://` URL; the quota opens its own connection and `close()` ends it. */
  url?: string | undefined;
  /** An ioredis client to use instead of `url` (its owner closes it; `close()` leaves it open). */
  client?: Redis | undefined;
  /** Prepended to every key (default `tim-rest-client:quota:`); lanes are keyed `${prefix}{${sdkAppId}/${operation}}`. */
  prefix?: string | undefined;
  /**
   * The share of each operation's limit the instances take together (default 0.9). One schedule for all of them loses
   * less to timing than independent pacers do, which keep to the document's margin (0.85).
   */
  margin?: number | undefined;
  /** Instances of the app: the in-process fallback paces each at its share of the limit (default 1). */
  instances?: number | undefined;
  /** Longest wait for one Redis round trip, in ms, before a permit falls back to the in-process quota (default 500). */
  timeoutMs?: number | undefined;
  /** After a failed or late round trip, permits stay in process this long before Redis is tried again, in ms (default 1000). */
  retryAfterMs?: number | undefined;
  /** Called when permits start coming from the in-process quota (`local`, with the error) and again from Redis (`shared`). */
  onStateChange?: ((change: RedisQuotaStateChange) => void) | undefined;
}

export interface RedisQuota extends Quota {
  /** Where permits come from now. */
  readonly state: RedisQuotaState;
  /** Ends the connection the quota opened (not a client passed in) and stops listening to it. */
  close(): Promise<void>;
}

const DEFAULT_PREFIX = 'tim-rest-client:quota:';
const WINDOW_MS = 1000;
// An idle lane's state is forgotten a minute after its last reserved slot: by then the vendor's window is long empty.
const TTL_MS = 60_000;
// What the server allowed the app is kept a day after it was last confirmed: vendor limits are app settings that
// rarely change, and a raised one is found again by probing within a minute or two of traffic.
const LEARNED_TTL_MS = 24 * 60 * 60 * 1000;
// Above 0.9 × what the server was seen to allow, a lane regains a fifth of its usual recovery (1% of its ceiling per
// second of sends): each climb past the limit costs the sends already booked when the refusal comes. With the learned
// limit, it took refusals against a server at 100/s (the document says 200) from 3–8% of calls to 0–1.4% after an
// app's first job; on its own (every job learning afresh) it changed little (partial instances bench runs).
const PROBE_SHARE = 0.2;
// One schedule for every instance leaves only the jitter between a permit and the request's arrival to absorb, not
// the overlap of several pacers: against the fake vendor (200/s, N = 4–16), 0.9 used 82–88% of the limit at 50 ms
// with no refusal, where 0.85 used 80–84%. At 0.9 a lane starting at full rate drew 1.9–5.5% refusals at 150 ms (the
// first round trip's requests reach the server a handshake late, on top of the next ones); with the start share
// (the lane script's `startShare`, the in-process pacer's 0.75 until the first accepted answer) 0–0.8%.
const SHARED_MARGIN = 0.9;
// Each instance books at most this much of its share of a lane ahead (booking-gate.ts): after a refusal, the sends
// already booked at the old rate go out over about this long.
const BOOKING_MS = 250;
// An instance counts as one of a lane's active instances until this long after its last slot: instances sending
// book every few ms, and one asleep on a slot booked ahead counts until it passes, while an instance left alone on
// the lane when another's job ends sizes for the whole rate half a second later. Against the fake vendor (200/s,
// 50 ms, one instance starting every 500 ms, 10,000 accounts each), with COUNTED_AFTER_MS, quota used went from
// 73–76% (a count over two windows, the floor for two seconds) to 80–86% with 4 instances and 86–87% with 8, with
// no more refusals, and instances started together kept within 1.05–1.15× of each other.
const ACTIVE_MS = 500;
// The instances an instance was told of (`instances`) are the floor of the lane's count until a take it asked this
// long after its first is answered: instances started with it have booked by then, and the count is theirs too.
const COUNTED_AFTER_MS = 100;

class Timeout extends Error {
  override name = 'TimeoutError';
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`createRedisQuota: options.${name} must be a finite number of ms > 0 (got ${String(value)})`);
  return value;
}

/**
 * Settles like `work`, or rejects with a Timeout after `ms`, or with the signal's reason when it aborts first. The
 * work itself runs on; its late result is dropped.
 */
function race<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(signal?.reason);
    };
    // A busy event loop runs the timer before it reads a reply that arrived meanwhile: the time-out waits for one
    // pass over the I/O that is ready (setImmediate runs after it), so a loaded process does not blame Redis.
    const timer = setTimeout(() => {
      setImmediate(() => {
        done();
        reject(new Timeout(`Redis did not answer within ${ms} ms`));
      });
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

function settingsOf(lane: QuotaLane, margin: number): LaneSettings {
  const { callsPerSecond, burst, startShare } = pacerSettings(lane.limit, margin);
  return {
    startShare,
    callsPerSecond,
    burst,
    windowMs: WINDOW_MS,
    ttlMs: TTL_MS,
    activeMs: ACTIVE_MS,
    decrease: 0.8,
    settle: 0.9,
    recoveryPerSecond: callsPerSecond * 0.05,
    probeShare: PROBE_SHARE,
    learnedTtlMs: LEARNED_TTL_MS,
    minCallsPerSecond: callsPerSecond * 0.02,
  };
}

/** A quota whose lanes live in Redis, shared by every instance that uses the same Redis and prefix. */
export function createRedisQuota(options: RedisQuotaOptions): RedisQuota {
  if ((options.url === undefined) === (options.client === undefined)) {
    throw new TypeError('createRedisQuota: pass exactly one of options.url (a redis:// URL) and options.client (an ioredis client)');
  }
  if (options.url !== undefined && !/^rediss?:\/\//.test(options.url)) {
    throw new TypeError('createRedisQuota: options.url must be a redis:// or rediss:// URL');
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') throw new TypeError('createRedisQuota: options.prefix must be a string');
  const instances = checkInstances(options.instances, 'createRedisQuota: options.instances');
  const timeoutMs = positiveMs(options.timeoutMs, 500, 'timeoutMs');
  const margin = options.margin ?? SHARED_MARGIN;
  if (!Number.isFinite(margin) || margin <= 0 || margin > 1) throw new TypeError(`createRedisQuota: options.margin must be a number in (0, 1] (got ${String(margin)})`);
  const retryAfterMs = positiveMs(options.retryAfterMs, 1000, 'retryAfterMs');
  const owned = options.client === undefined;
  const client =
    options.client ??
    new Redis(options.url as string, {
      // Commands fail at once while the connection is down (the quota falls back) instead of queueing for later.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(timeoutMs, 1000),
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
  const local = createLocalQuota({ instances });
  const instance = randomUUID();
  /** The last rate and active instances the script answered per lane, for rate(). */
  const shared = new Map<string, { rate: number; active: number }>();
  /**
   * Per lane, this instance's time in the lane's count of instances (local clock): when its first take was answered,
   * whether an answer has given the count since instances started with it had time to book, and when its last slot
   * falls. An instance idle for ACTIVE_MS after its last slot has left the count, and its next take joins afresh: in a
   * long-lived service a job started on every instance at once meets the same floor as the process's first one.
   */
  const presence = new Map<string, { joinedAt: number; counted: boolean; lastSlotAt: number }>();
  const keys = new Map<string, LaneKeys>();
  let state: RedisQuotaState = 'shared';
  /** Redis is not tried before then (a round trip failed or was late). */
  let pausedUntil = -Infinity;
  let closed = false;

  const setState = (next: RedisQuotaState, error?: unknown): void => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next === 'local' ? { state: next, error } : { state: next });
  };
  const fallBack = (error: unknown): void => {
    pausedUntil = performance.now() + retryAfterMs;
    setState('local', error);
  };
  const onError = (): void => {
    // ioredis reports connection errors here too; without a listener Node would throw them. The calls in flight fail
    // on their own and fall back; nothing else to do.
  };
  const onReady = (): void => {
    // The connection is back: the next permit tries Redis at once.
    pausedUntil = -Infinity;
  };
  client.on('error', onError);
  client.on('ready', onReady);

  /** The connection is up, or still being opened for the first time (worth waiting for, within the time limit). */
  const usable = (): boolean => {
    if (closed || performance.now() < pausedUntil) return false;
    return client.status === 'ready' || client.status === 'connecting' || client.status === 'connect' || client.status === 'wait';
  };
  /** One wait for the first connection, shared by every take that comes meanwhile. */
  let connecting: Promise<void> | undefined;
  const whenReady = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve();
    if (client.status === 'wait') void client.connect().catch(() => {});
    connecting ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown): void => {
        client.off('ready', ready).off('end', ended).off('error', failed);
        connecting = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const ready = (): void => settle();
      const ended = (): void => settle(new Error('Redis connection closed'));
      // A refused connection fails the takes waiting for it at once, not at their time limit.
      const failed = (error: unknown): void => settle(error ?? new Error('Redis connection failed'));
      client.once('ready', ready).once('end', ended).once('error', failed);
    });
    return connecting;
  };

  /** Per lane, the latest time (server clock) an answer said a refusal lowered the rate: slots booked before are void. */
  const decreases = new Map<string, number>();
  const keyOf = (lane: QuotaLane): LaneKeys => {
    let laneKey = keys.get(lane.key);
    if (!laneKey) {
      laneKey = laneKeys(prefix, lane.key);
      keys.set(lane.key, laneKey);
    }
    return laneKey;
  };
  const run = async (lane: QuotaLane, op: LaneOp): Promise<{ waitMs: number; serverNow: number }> => {
    await whenReady();
    const askedAt = performance.now();
    const answer = await runLaneScript(client, keyOf(lane), op, settingsOf(lane, margin), instance);
    if (op === 'take') {
      const answeredAt = performance.now();
      let here = presence.get(lane.key);
      if (!here || askedAt > here.lastSlotAt + ACTIVE_MS) {
        here = { joinedAt: answeredAt, counted: false, lastSlotAt: answeredAt };
        presence.set(lane.key, here);
      } else if (askedAt - here.joinedAt >= COUNTED_AFTER_MS) here.counted = true;
      here.lastSlotAt = Math.max(here.lastSlotAt, answeredAt + answer.waitMs);
    }
    shared.set(lane.key, { rate: answer.rate, active: op === 'take' ? Math.max(1, answer.active) : (shared.get(lane.key)?.active ?? 1) });
    noteDecrease(lane, answer.decreasedAt);
    return answer;
  };
  const noteDecrease = (lane: QuotaLane, decreasedAt: number): void => {
    if (decreasedAt > (decreases.get(lane.key) ?? -Infinity)) decreases.set(lane.key, decreasedAt);
  };

  const takeLocally = (lane: QuotaLane, signal: AbortSignal | undefined): Promise<void> => {
    if (state === 'shared' && performance.now() >= pausedUntil) fallBack(new Error(`Redis is not connected (${client.status})`));
    else if (state === 'shared') setState('local', new Error('Redis failed or was late on a round trip moments ago'));
    return local.take(lane, signal);
  };
  const rateOf = (lane: QuotaLane): number | undefined => {
    const known = state === 'shared' ? shared.get(lane.key) : undefined;
    if (!known) return local.rate(lane);
    // The shared rate is for all instances together; this instance's part of it sizes its own concurrency and its
    // bookings. The lane counts the instances that hold a slot or held one moments ago: this instance's first takes
    // may come before those of instances started with it, and the first to ask would book (and send) as if it were
    // alone. Until the lane has answered a later take (COUNTED_AFTER_MS), the instances it was told of are the floor;
    // after that the count stands, and an instance alone on the lane sizes for the whole rate.
    return known.rate / Math.max(known.active, presence.get(lane.key)?.counted === true ? 1 : instances);
  };
  /** Refusals this instance heard of per lane: takes booked before one book again. */
  const refusals = new Map<string, number>();
  const gates = new Map<string, BookingGate>();
  const gateOf = (lane: QuotaLane): BookingGate => {
    let gate = gates.get(lane.key);
    if (!gate) {
      gate = createBookingGate(() => Math.max(2, Math.ceil(((rateOf(lane) ?? lane.callsPerSecond) * BOOKING_MS) / 1000)));
      gates.set(lane.key, gate);
    }
    return gate;
  };

  return {
    get state() {
      return state;
    },
    get shared() {
      return state === 'shared';
    },
    async take(lane, signal) {
      if (signal?.aborted) throw signal.reason;
      if (!usable()) return takeLocally(lane, signal);
      const gate = gateOf(lane);
      await gate.enter(signal);
      try {
        // Redis may have gone while this take waited in line.
        if (!usable()) return await takeLocally(lane, signal);
        for (;;) {
          const refusalsBefore = refusals.get(lane.key) ?? 0;
          let waitMs: number;
          let bookedAt: number;
          try {
            ({ waitMs, serverNow: bookedAt } = await race(run(lane, 'take'), timeoutMs, signal));
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            // Redis failed or was late: this permit, and those of the next retryAfterMs, come from this process.
            fallBack(error);
            return await local.take(lane, signal);
          }
          setState('shared');
          await sleep(waitMs, signal);
          // A slot booked before the server refused a send of this lane (heard here, or from any instance through
          // the lane's answers) is one the window has no room for: the take books again, after the hold and at the
          // lowered rate.
          const stale = (): boolean => (refusals.get(lane.key) ?? 0) !== refusalsBefore || (decreases.get(lane.key) ?? -Infinity) >= bookedAt;
          if (stale()) continue;
          // A take that slept heard of other instances' refusals only through this instance's own answers, which come
          // a round trip of each of its sends apart: with many instances that is most of a window's share, and the
          // slots booked before a decrease went out on top of the new schedule. One read of the lane's last decrease
          // before sending closes that gap.
          if (waitMs > 0) {
            try {
              noteDecrease(lane, await race(readLastDecrease(client, keyOf(lane)), timeoutMs, signal));
            } catch (error) {
              if (signal?.aborted) throw signal.reason;
              // The slot is the lane's; the next permit falls back.
              fallBack(error);
              return;
            }
            if (stale()) continue;
          }
          return;
        }
      } finally {
        gate.leave();
      }
    },
    report(lane: QuotaLane, verdict: QuotaVerdict, roundTripMs?: number) {
      // The in-process quota hears every answer too, so a fallback starts from the rate the server allows now.
      local.report(lane, verdict, roundTripMs);
      if (verdict === 'refused') refusals.set(lane.key, (refusals.get(lane.key) ?? 0) + 1);
      if (!usable() || state === 'local') return;
      return race(run(lane, verdict), timeoutMs, undefined).then(
        () => undefined,
        (error: unknown) => fallBack(error),
      );
    },
    rate: rateOf,
    async close() {
      closed = true;
      client.off('ready', onReady);
      if (owned) {
        await client.quit().catch(() => client.disconnect());
      }
      client.off('error', onError);
    },
  };
}
