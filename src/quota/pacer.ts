// The per-operation pacer: sends are spaced evenly (GCRA, a leaky bucket with a small burst) and counted at the moment
// a request is handed to fetch, so the server, which counts arrivals in 1 s windows, never sees the burst a
// sliding-window limiter releases at the start of each second. The rate adapts (AIMD): a rate-limit answer lowers it
// multiplicatively for every call of the operation — and at once to just below what the server accepted from this
// client in the last window — and holds sends until the server's window has room again; accepted calls raise the
// rate back additively up to the ceiling, and multiplicatively once a client has gone well past the time that
// takes without a refusal (the others sharing its quota have finished). So a client facing a lower real limit, or
// sharing its quota with other processes, settles at what the server allows, and a process that had to give way to
// others takes the quota back when they stop (test/bulk, bench/RESULTS.md). A client refused in a window others
// filled holds a quarter window, then sends one probe and waits for its answer before the rest. Until the server has
// answered a first send, and again after an idle spell, it paces at a share of the rate: those sends each open a
// connection.
//
// The clock is monotonic (performance.now unless injected), so a system clock change neither stalls nor bunches sends.
// Turns are first come, first served; a waiting turn leaves the line at once when its signal aborts. A timer that
// fires late (a blocked event loop) lets at most `burst` sends go back to back, never the whole backlog.
import { roundTripMeter } from '../round-trip.js';

export interface Pacer {
  /** Resolves when a request may be handed to fetch now (call it right before fetch); rejects with signal.reason on abort. */
  turn(signal?: AbortSignal): Promise<void>;
  /**
   * A reply said "too many requests" (a code the document marks rate-limit, or HTTP 429): lower the rate (AIMD), once
   * for all the refusals of sends made before it reacted, and hold turns until the server's window has room again.
   * `roundTripMs`, the refused request's time from send to reply, dates the send (without it, at most once per
   * window) and lets the hold end as soon as a send would reach a window with room.
   */
  refused(roundTripMs?: number): void;
  /**
   * A request was accepted by the server: let the rate recover additively. `roundTripMs`, its time from send to
   * reply, feeds the path's round trip (the least of the recent ones) that a hold after a refusal is shortened by.
   */
  accepted(roundTripMs?: number): void;
  /** Calls per second it currently allows (for concurrency = rate × RTT and for metrics). */
  readonly rate: number;
}

export interface PacerOptions {
  /** The highest rate it ever allows, in calls per second (the document's rate × its margin). */
  callsPerSecond: number;
  /** Sends that may go back to back after a quiet spell (default 1). */
  burst?: number;
  /**
   * The share of `callsPerSecond` it sends at until the server has answered a first send (default 1). Those first
   * sends each open a connection, so each holds a socket for a handshake more and reaches the server a handshake
   * later than it left: a lower start keeps both the sockets and the server's window under the limit.
   */
  startShare?: number;
  /**
   * After this many ms without a send, the start share applies again until the next answer (default: never): the
   * runtime has closed its idle connections by then, so the next sends open new ones.
   */
  idleRestartMs?: number;
  /** Each rate-limit answer that is news multiplies the rate by this (default 0.8). */
  decrease?: number;
  /**
   * A rate-limit answer that says nothing of this client's share (the server accepted fewer of its sends in the window
   * than the refusals it reacted to: it joined a window others had filled) multiplies the rate by this instead
   * (default 0.5). Such a client comes back from its hold into a window that is still full, so a gentle step would
   * send it back in near its old rate again.
   */
  joinDecrease?: number;
  /**
   * After a rate-limit answer the rate is also at most this share of the sends the server accepted in the last
   * window (default 0.9), once the pacer has been sending for half a window and the server accepted at least as many
   * of its sends in the window as the refusals the pacer reacted to there.
   */
  settle?: number;
  /** Calls per second the rate regains per second of accepted sends (default 5% of callsPerSecond). */
  recoveryPerSecond?: number;
  /**
   * The share of itself the rate also gains per second of accepted sends (default 1: e-fold a second) once, since the
   * last rate-limit answer, a window has passed and twice the time recoveryPerSecond takes to bring the rate back to
   * what the server then allowed (after joining a window others filled: once a window has passed). A client whose
   * limit is its own (a lower real limit) is refused again before that, and stays on the additive step; one that gave
   * way to other processes, and was left alone when they stopped, is not, and regains the quota in seconds, not the
   * tens of seconds the additive step takes from a low share.
   */
  growthPerSecond?: number;
  /** The lowest rate decreases reach, in calls per second (default 2% of callsPerSecond). */
  minCallsPerSecond?: number;
  /** The server's counting window in ms: the least hold after a rate-limit answer, and one decrease per window (default 1000). */
  windowMs?: number;
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`createPacer: ${name} must be a finite number > 0 (got ${value})`);
  return value;
}

/** A client that got a few sends into a window others filled holds at most windowMs / this after a refusal. */
const JOIN_HOLD_DIVISOR = 4;
/** The longest wait for a probe's answer, as a share of the window (windowMs / this). */
const PROBE_WAIT_DIVISOR = 2;
/** A send's time is its answer's time less its round trip, both on this clock; this absorbs their rounding. */
const CLOCK_SLACK_MS = 1;

interface Waiter {
  go(): void;
}

// The accepted sends (and the decreases) of the last window are counted in this many slots of a ring: constant memory
// and constant time per answer whatever the traffic, at the price of estimating, within the one slot the window's
// start cuts, which of its sends are still inside.
const SLOTS = 10;

/** How many events of one kind (accepted sends, decreases) the last window holds, and when the oldest was. */
interface EventWindow {
  add(at: number): void;
  count(at: number): number;
  /** The oldest event still in the window (estimated within a slot), or undefined. */
  oldest(at: number): number | undefined;
}

function eventWindow(windowMs: number): EventWindow {
  const slotMs = windowMs / SLOTS;
  const epoch = new Float64Array(SLOTS).fill(-1);
  const counts = new Float64Array(SLOTS);
  const first = new Float64Array(SLOTS);
  const last = new Float64Array(SLOTS);
  // Slots whose time span ends after the window's start still hold sends of the window.
  const live = (slot: number, at: number): boolean => epoch[slot] !== -1 && ((epoch[slot] as number) + 1) * slotMs > at - windowMs;
  /**
   * How many of a slot's sends have left a window that starts after `since`, taking them as evenly spaced from its
   * first to its last: without that, a slot half out of the window would count whole, and its last send would stand
   * for its oldest, holding turns up to a slot too long after every refusal.
   */
  const leftOf = (slot: number, since: number): number => {
    const n = counts[slot] as number;
    const start = first[slot] as number;
    const end = last[slot] as number;
    if (start > since) return 0;
    if (end <= since) return n;
    return Math.floor((since - start) / ((end - start) / (n - 1))) + 1;
  };
  return {
    add(at) {
      const index = Math.floor(at / slotMs);
      const slot = ((index % SLOTS) + SLOTS) % SLOTS;
      if (epoch[slot] !== index) {
        epoch[slot] = index;
        counts[slot] = 0;
        first[slot] = at;
      }
      counts[slot] = (counts[slot] as number) + 1;
      last[slot] = at;
    },
    count(at) {
      const since = at - windowMs;
      let total = 0;
      for (let slot = 0; slot < SLOTS; slot++) if (live(slot, at)) total += (counts[slot] as number) - leftOf(slot, since);
      return total;
    },
    oldest(at) {
      const since = at - windowMs;
      let oldest: number | undefined;
      for (let slot = 0; slot < SLOTS; slot++) {
        const n = counts[slot] as number;
        if (!live(slot, at)) continue;
        const left = leftOf(slot, since);
        if (left >= n) continue;
        // The first send still inside; sends of a slot are taken as evenly spaced from its first to its last.
        const inside = left === 0 ? (first[slot] as number) : (first[slot] as number) + left * (((last[slot] as number) - (first[slot] as number)) / (n - 1));
        if (oldest === undefined || inside < oldest) oldest = inside;
      }
      return oldest;
    },
  };
}

export function createPacer(options: PacerOptions): Pacer {
  const ceiling = positive('callsPerSecond', options.callsPerSecond);
  const burst = Math.floor(positive('burst', options.burst ?? 1));
  const startShare = positive('startShare', options.startShare ?? 1);
  if (startShare > 1) throw new RangeError(`createPacer: startShare must be at most 1 (got ${startShare})`);
  const idleRestartMs = options.idleRestartMs === undefined ? Infinity : positive('idleRestartMs', options.idleRestartMs);
  const decrease = positive('decrease', options.decrease ?? 0.8);
  if (decrease >= 1) throw new RangeError(`createPacer: decrease must be below 1 (got ${decrease})`);
  const joinDecrease = positive('joinDecrease', options.joinDecrease ?? 0.5);
  if (joinDecrease >= 1) throw new RangeError(`createPacer: joinDecrease must be below 1 (got ${joinDecrease})`);
  const settle = positive('settle', options.settle ?? 0.9);
  const recovery = positive('recoveryPerSecond', options.recoveryPerSecond ?? ceiling * 0.05);
  const growth = options.growthPerSecond ?? 1;
  if (!Number.isFinite(growth) || growth < 0) throw new RangeError(`createPacer: growthPerSecond must be a finite number ≥ 0 (got ${growth})`);
  const floor = Math.min(ceiling, positive('minCallsPerSecond', options.minCallsPerSecond ?? ceiling * 0.02));
  const windowMs = positive('windowMs', options.windowMs ?? 1000);
  const now = options.now ?? (() => performance.now());

  let rate = ceiling * startShare;
  /** Sending at the start share: no answer yet since the first send, or since sends resumed after an idle spell. */
  let starting = startShare < 1;
  /** A rate-limit answer came while starting: the rate it set stands. */
  let limitedWhileStarting = false;
  /** The rate to go back to at the first answer: the ceiling, or the rate sends stopped at before an idle spell. */
  let resumeRate = ceiling;
  /** When the first turn was granted, and the last. */
  let firstTake = Infinity;
  let lastTake = -Infinity;
  /** GCRA's theoretical arrival time: when the next send would be due if sends were spaced exactly. */
  let due = -Infinity;
  /** Turns are held until then: the server's window is full after a rate-limit answer. */
  let heldUntil = -Infinity;
  /** The last hold, from its refusal to its end: no sends of the client's reached the server's window then. */
  let holdFrom = -Infinity;
  let holdTo = -Infinity;
  /** Accepted sends also raise the rate multiplicatively from then on (growthPerSecond). */
  let growthFrom = Infinity;
  let lastDecrease = -Infinity;
  /** Refusals of sends that left before then answer sends made before the last decrease took effect. */
  let reactedUntil = -Infinity;
  /** A join hold ends with one probe: the next turn is it. */
  let probeNext = false;
  /** When the probe was granted, until its answer (or the wait for it) ends; then undefined. */
  let probeAt: number | undefined;
  // The path's round trip is the least of the last 10 s (RoundTripMeter.leastMs). A round trip above it is time spent
  // queued (at a busy server, or in a blocked event loop), which says nothing of when a send reaches the server:
  // shortening a hold by such a round trip sent calls back into a window that was still full.
  const path = roundTripMeter(undefined, now);
  const observeRtt = (roundTripMs: number | undefined): number | undefined => {
    if (roundTripMs === undefined || !Number.isFinite(roundTripMs) || roundTripMs <= 0) return undefined;
    path.observe(roundTripMs);
    return roundTripMs;
  };
  /** An answer (its time, its round trip) is the probe's, or a later send's: it left no earlier than the probe. */
  const answersProbe = (at: number, roundTrip: number | undefined): boolean =>
    probeAt !== undefined && roundTrip !== undefined && at - roundTrip >= probeAt - CLOCK_SLACK_MS;
  const acceptedSends = eventWindow(windowMs);
  /** The refusals it reacted to (one per decrease) in the last window. */
  const decreases = eventWindow(windowMs);
  const line: Waiter[] = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Takes a send slot if one is free now; otherwise returns the ms until one is. */
  const take = (): number => {
    const at = now();
    if (!starting && startShare < 1 && at - lastTake >= idleRestartMs) {
      starting = true;
      resumeRate = rate;
      rate = Math.min(rate, ceiling * startShare);
    }
    const interval = 1000 / rate;
    const earliest = Math.max(heldUntil, due - (burst - 1) * interval);
    if (at < earliest) return earliest - at;
    due = Math.max(due, at) + interval;
    if (probeNext) {
      // Nothing else goes until the probe's answer says the window has room (or it is refused), or for half a window
      // at most: a probe that is never answered (a lost connection) must not stall the lane.
      probeNext = false;
      probeAt = at;
      heldUntil = at + windowMs / PROBE_WAIT_DIVISOR;
      due = heldUntil + (burst - 1) * interval;
    }
    if (lastTake === -Infinity) firstTake = at;
    lastTake = at;
    return 0;
  };

  const waiting = (): number => line.length - head;

  const pump = (): void => {
    timer = undefined;
    while (waiting() > 0) {
      const wait = take();
      if (wait > 0) {
        timer = setTimeout(pump, Math.ceil(wait));
        return;
      }
      const waiter = line[head] as Waiter;
      line[head++] = undefined as unknown as Waiter;
      // The line is a queue with a moving head; compact it once the served part dominates, so it stays O(1) amortized.
      if (head > 64 && head * 2 > line.length) {
        line.splice(0, head);
        head = 0;
      }
      waiter.go();
    }
  };

  /** The waiting turns' next slot came earlier: the timer set for the old one is replaced. */
  const repump = (): void => {
    if (timer === undefined) return;
    clearTimeout(timer);
    pump();
  };

  /** The next turn comes by the current rate: a slot booked at a lower rate is brought forward. */
  const rebook = (previousRate: number): void => {
    // During a hold the next send is set by the hold, spaced without a burst from its end: answers to sends made
    // before the refusal raise the rate a little meanwhile, and scaling would pull that spacing back into a burst.
    if (rate <= previousRate || !Number.isFinite(lastTake) || due <= lastTake || heldUntil > now()) return;
    // Scaled, not reset: the debt of a burst taken at the old rate is kept, in the new rate's intervals.
    due = lastTake + ((due - lastTake) * previousRate) / rate;
    repump();
  };

  return {
    turn(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (waiting() === 0 && take() === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = line.indexOf(waiter, head);
          if (index !== -1) line.splice(index, 1);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          go: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        line.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timer === undefined) pump();
      });
    },
    refused(roundTripMs?: number): void {
      const at = now();
      if (starting) limitedWhileStarting = true;
      const roundTrip = observeRtt(roundTripMs);
      // The answers to the sends made before the last decrease arrive together; they are one signal, not many. A
      // refusal of a send that left after the pacer had reacted (after its hold, or its decrease when it did not hold)
      // is news: the lowered rate is still too high, and waiting out a whole window before lowering it again let
      // clients that resumed together be refused for the rest of that window. Without its round trip a refusal cannot
      // be dated, and counts as news once a window has passed.
      const news = answersProbe(at, roundTrip) || (roundTrip === undefined ? at - lastDecrease >= windowMs : at - roundTrip >= reactedUntil);
      if (!news) return;
      probeAt = undefined;
      decreases.add(at);
      lastDecrease = at;
      // What the server accepted from this client in the last window is what it allows it now: a client far above
      // a lower real limit (or sharing the quota) drops to just below that at once, not over several windows. That
      // holds once it has sent for half a window and the server accepted at least as many of its sends in the window
      // as the refusals it reacted to there (this one included): it had its part of the server's window, and was refused
      // once that was used up. A client with fewer joined a window others had filled (or came back from a hold into
      // one): the few it got say nothing of its share, so it backs off multiplicatively instead of dropping to the
      // floor and starving (but steeply: the window it comes back to after its hold is still full). Only the
      // refusals it reacted to count: under a burst of them, those of sends made before it reacted are one signal.
      const acceptedCount = acceptedSends.count(at);
      const measured = at - firstTake >= windowMs / 2 && acceptedCount >= decreases.count(at);
      // A hold in the window is time the client sent nothing: what it got is per second of the rest. Counted over the
      // whole window, a client back from a hold into a window others share settled far below its part (a trace: at
      // 29/s after 32 accepted in the 424 ms it sent). Under a quarter window of sending, the count stands as it is.
      const held = Math.max(0, Math.min(holdTo, at) - Math.max(holdFrom, at - windowMs));
      const share = held > 0 && windowMs - held >= windowMs / 4 ? (acceptedCount * windowMs) / (windowMs - held) : acceptedCount;
      rate = Math.max(floor, measured ? Math.min(rate * decrease, share * settle) : rate * joinDecrease);
      // What the server allowed: its part of the window. A client that joined a window others filled learnt nothing of
      // that, so it grows again after a window without refusals: counting from the rate it was refused at kept a
      // newcomer on the additive step for 15-20 s, and the last of 8 staggered processes at 64-75/s once it was alone.
      const allowed = measured ? share : rate;
      growthFrom = at + windowMs + (2 * 1000 * Math.max(0, allowed - rate)) / recovery;
      // The server's window stays full until the oldest send it accepted leaves it: sends before then are refused.
      // That send's answer came back half a round trip after the server counted it, and a send reaches the server half
      // a round trip after it leaves: one round trip before its answer's time + window, a send finds room. Half of
      // that is taken, half left for jitter; the round trip is the path's, not this answer's, which may have queued.
      // A refusal with no accepted answer in the window is a full window after the refusal itself: what filled the
      // server's window is not known here (nor whether the call is ever to pass: a refused call waits a window). A
      // client that got a few sends into a window others filled holds a quarter window at most: the others' sends leave
      // that window all along, and holding until its own first one left kept a newcomer idle for most of a second while
      // the others (refused too, and slowed) left room it did not take.
      const oldest = acceptedSends.oldest(at);
      const early = roundTrip === undefined || oldest === undefined ? 0 : Math.min(path.leastMs ?? roundTrip, windowMs) / 2;
      const full = oldest === undefined ? at + windowMs : oldest + windowMs - early;
      const joined = !measured && oldest !== undefined;
      heldUntil = Math.max(heldUntil, joined ? Math.min(full, at + windowMs / JOIN_HOLD_DIVISOR) : full);
      // The others' sends in the window are not known here: after a join hold the window may still be full (processes
      // that started together fill it with sends that leave it only a second after they started). One probe finds out.
      // Coming back at the rate, every send of a round trip met the full window: 4 processes started together at 50 ms
      // drew 20–25% refusals that way, 12–18% with the probe (alternated runs; README, "Running several instances").
      probeNext = joined;
      if (heldUntil > at) {
        holdFrom = at;
        holdTo = heldUntil;
      }
      // Sends in the half round trip the hold was cut short by may still meet the full window: their refusals are
      // the same signal (counting them as news lowered a lone client's rate twice per episode, 4% of a long job).
      reactedUntil = Math.max(heldUntil, at) + early;
      // From the hold on, sends are spaced at the new rate with no burst: room in the full window comes back one
      // expired send at a time, and a burst there would be refused.
      due = Math.max(heldUntil, at) + (burst - 1) * (1000 / rate);
    },
    accepted(roundTripMs?: number): void {
      const previousRate = rate;
      const at = now();
      const roundTrip = observeRtt(roundTripMs);
      acceptedSends.add(at);
      if (answersProbe(at, roundTrip)) {
        // The probe got into the window: the rest go at once, spaced at the rate with no burst.
        probeAt = undefined;
        if (heldUntil > at) {
          heldUntil = at;
          due = at + (burst - 1) * (1000 / rate);
          repump();
        }
      }
      if (starting) {
        starting = false;
        const limitedMeanwhile = limitedWhileStarting;
        limitedWhileStarting = false;
        // The start was held low for the connections it opened; a rate-limit answer already set a rate of its own.
        if (!limitedMeanwhile && rate < resumeRate) rate = resumeRate;
      }
      // +recovery per second of sends at the current rate: one accepted send is 1/rate of a second; growth × rate per
      // second is growth a send.
      if (rate < ceiling) rate = Math.min(ceiling, rate + recovery / rate + (at >= growthFrom ? growth : 0));
      rebook(previousRate);
    },
    get rate(): number {
      return rate;
    },
  };
}

// Back-to-back sends allowed after a quiet spell: enough to absorb a timer that fires a little late, few enough that a
// window never holds more than the limit.
const MAX_BURST = 4;
// The share of the rate until the first answer (PacerOptions.startShare). Against the fake vendor (handshake = one
// round trip), the full rate opened 21–23 sockets at 50 ms where the bench allows 20 and drew an occasional refusal at
// 150 ms; 75 % stayed at 17–20 sockets and drew none (bench/RESULTS.md). It costs a quarter of one round trip's sends.
const START_SHARE = 0.75;
// Idle connections are closed by then (undici, Node's fetch, keeps them 4 s by default; Node's http server, 5 s), so
// sends after a longer pause open new ones again.
const IDLE_RESTART_MS = 4_000;

/**
 * The pacer settings for an operation the server limits to `limit` calls per second: the rate at `margin` of it, and
 * a burst that keeps any one window at or under the limit (burst + paced rate ≤ limit), and the start share, again
 * after an idle spell.
 */
export function pacerSettings(limit: number, margin: number): { callsPerSecond: number; burst: number; startShare: number; idleRestartMs: number } {
  const callsPerSecond = limit * margin;
  const burst = Math.max(1, Math.min(MAX_BURST, Math.floor(limit - callsPerSecond)));
  return { callsPerSecond, burst, startShare: START_SHARE, idleRestartMs: IDLE_RESTART_MS };
}
