// The pacer on a fake clock: even spacing with a small burst, first come first served, abort, a late timer that must
// not release a backlog in one burst, and the adaptive rate (multiplicative decrease once per refusal that is news,
// additive recovery up to the ceiling and multiplicative once others have stopped, a floor).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPacer, pacerSettings, type Pacer } from '../../src/quota/pacer.js';
import { busiestWindow } from './wire-log.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Queues `count` turns and records the (fake) time each is granted. */
function queueTurns(pacer: Pacer, count: number, signal?: AbortSignal): { granted: number[]; all: Promise<unknown> } {
  const granted: number[] = [];
  const all = Promise.allSettled(
    Array.from({ length: count }, () => pacer.turn(signal).then(() => granted.push(performance.now()))),
  );
  return { granted, all };
}

describe('pacing', () => {
  it('spaces turns evenly at the rate, after a burst of `burst`', async () => {
    const pacer = createPacer({ callsPerSecond: 10, burst: 3 });
    const t0 = performance.now();
    const { granted, all } = queueTurns(pacer, 8);
    await vi.advanceTimersByTimeAsync(2000);
    await all;
    const offsets = granted.map((t) => Math.round(t - t0));
    // Three at once, then one every 100 ms.
    expect(offsets).toEqual([0, 0, 0, 100, 200, 300, 400, 500]);
  });

  it('at 180/s with burst 4, 1000 turns: no 1 s window holds more than 184, and the whole takes ≥ 5.5 s', async () => {
    const pacer = createPacer({ callsPerSecond: 180, burst: 4 });
    const { granted, all } = queueTurns(pacer, 1000);
    await vi.advanceTimersByTimeAsync(10_000);
    await all;
    expect(granted).toHaveLength(1000);
    expect(busiestWindow(granted, 1000)).toBeLessThanOrEqual(184);
    expect((granted.at(-1) as number) - (granted[0] as number)).toBeGreaterThanOrEqual(5_500 - 25);
  });

  it('sends at startShare of the rate until the first answer, then at the full rate', async () => {
    const pacer = createPacer({ callsPerSecond: 100, startShare: 0.5 });
    const t0 = performance.now();
    const first = queueTurns(pacer, 4);
    await vi.advanceTimersByTimeAsync(1000);
    await first.all;
    expect(first.granted.map((t) => Math.round(t - t0))).toEqual([0, 20, 40, 60]);
    pacer.accepted();
    expect(pacer.rate).toBe(100);
    const t1 = performance.now();
    const later = queueTurns(pacer, 3);
    await vi.advanceTimersByTimeAsync(1000);
    await later.all;
    expect(later.granted.map((t) => Math.round(t - t1))).toEqual([0, 10, 20]);
  });

  it('a turn waiting at the start share comes at the full-rate interval once the first answer arrives', async () => {
    const pacer = createPacer({ callsPerSecond: 100, startShare: 0.5 });
    const t0 = performance.now();
    const { granted, all } = queueTurns(pacer, 2);
    await vi.advanceTimersByTimeAsync(5);
    pacer.accepted();
    await vi.advanceTimersByTimeAsync(100);
    await all;
    // Without the first answer the second turn would come at 20 ms; at the full rate it is due at 10 ms.
    expect(granted.map((t) => Math.round(t - t0))).toEqual([0, 10]);
  });

  it('after an idle spell of idleRestartMs, the start share applies again until the next answer, then the rate before', async () => {
    const pacer = createPacer({ callsPerSecond: 100, startShare: 0.5, idleRestartMs: 4000, recoveryPerSecond: 1 });
    const first = queueTurns(pacer, 2);
    await vi.advanceTimersByTimeAsync(100);
    await first.all;
    pacer.accepted();
    expect(pacer.rate).toBe(100);
    // A short pause keeps the full rate.
    await vi.advanceTimersByTimeAsync(1000);
    let t = performance.now();
    const busy = queueTurns(pacer, 2);
    await vi.advanceTimersByTimeAsync(100);
    await busy.all;
    expect(busy.granted.map((g) => Math.round(g - t))).toEqual([0, 10]);
    // A long one starts over at half the rate, until an answer comes.
    await vi.advanceTimersByTimeAsync(4000);
    t = performance.now();
    const resumed = queueTurns(pacer, 2);
    await vi.advanceTimersByTimeAsync(100);
    await resumed.all;
    expect(resumed.granted.map((g) => Math.round(g - t))).toEqual([0, 20]);
    pacer.accepted();
    expect(pacer.rate).toBe(100);
  });

  it('a rate-limit answer before the first accepted one keeps its lower rate', () => {
    const pacer = createPacer({ callsPerSecond: 100, startShare: 0.5, recoveryPerSecond: 1 });
    pacer.refused();
    const lowered = pacer.rate;
    expect(lowered).toBeLessThan(50);
    pacer.accepted();
    expect(pacer.rate).toBeLessThan(lowered + 1);
    expect(() => createPacer({ callsPerSecond: 10, startShare: 1.5 })).toThrow(/startShare/);
  });

  it('grants turns in the order they were asked for', async () => {
    const pacer = createPacer({ callsPerSecond: 5 });
    const order: number[] = [];
    const turns = Array.from({ length: 6 }, (_, i) => pacer.turn().then(() => order.push(i)));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(turns);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a clock that jumps while turns wait grants at most `burst` at once', async () => {
    let clock = 0;
    const pacer = createPacer({ callsPerSecond: 10, burst: 2, now: () => clock });
    const granted: number[] = [];
    const turns = Array.from({ length: 10 }, () => pacer.turn().then(() => granted.push(clock)));
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0, 0]);
    clock = 5000; // the event loop was blocked for 5 s: the next timer finds the clock far ahead
    await vi.advanceTimersByTimeAsync(100);
    expect(granted).toEqual([0, 0, 5000, 5000]);
    for (let step = 1; step <= 6; step++) {
      clock = 5000 + step * 100;
      await vi.advanceTimersByTimeAsync(100);
    }
    await Promise.all(turns);
    expect(granted).toEqual([0, 0, 5000, 5000, 5100, 5200, 5300, 5400, 5500, 5600]);
  });
});

describe('abort', () => {
  it('an aborted signal rejects at once with its reason and takes no slot', async () => {
    const pacer = createPacer({ callsPerSecond: 1 });
    const reason = new Error('stop');
    await expect(pacer.turn(AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(pacer.turn()).resolves.toBeUndefined();
  });

  it('aborting a waiting turn rejects it at once; the turns behind it move up', async () => {
    const pacer = createPacer({ callsPerSecond: 1 });
    await pacer.turn(); // t = 0
    const controller = new AbortController();
    const waiting = pacer.turn(controller.signal);
    const settled = vi.fn();
    waiting.catch(settled);
    const behind = queueTurns(pacer, 1);
    await vi.advanceTimersByTimeAsync(500);
    controller.abort('gone');
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalledWith('gone');
    await vi.advanceTimersByTimeAsync(600);
    await behind.all;
    // The turn behind takes the slot at 1 s that the aborted one would have had.
    expect(behind.granted).toEqual([1000]);
  });
});

describe('adaptive rate (AIMD)', () => {
  /** A pacer on a clock the test moves by hand. */
  function manual(options: Omit<Parameters<typeof createPacer>[0], 'now'>): { pacer: Pacer; at(ms: number): void; accept(count: number): void } {
    let clock = 0;
    const pacer = createPacer({ ...options, now: () => clock });
    return {
      pacer,
      at: (ms) => {
        clock = ms;
      },
      accept: (count) => {
        for (let i = 0; i < count; i++) pacer.accepted();
      },
    };
  }

  /**
   * Queues `count` turns and moves the clock 1 ms at a time from `from` until all are granted, calling `step` at each
   * ms with the grant times so far; returns the grant times.
   */
  async function grantTimes(
    { pacer, at }: Pick<ReturnType<typeof manual>, 'pacer' | 'at'>,
    from: number,
    count: number,
    step: (clock: number, granted: readonly number[]) => void = () => {},
  ): Promise<number[]> {
    const granted: number[] = [];
    let clock = from;
    const turns = Array.from({ length: count }, () => pacer.turn().then(() => granted.push(clock)));
    for (; granted.length < count && clock < from + 5000; clock += 1) {
      at(clock);
      step(clock, granted);
      await vi.advanceTimersByTimeAsync(1);
    }
    await Promise.all(turns);
    return granted;
  }

  it('a rate-limit answer lowers the rate multiplicatively, once per window however many answers arrive', () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, decrease: 0.5 });
    accept(150);
    expect(pacer.rate).toBe(100);
    for (let i = 0; i < 30; i++) pacer.refused();
    expect(pacer.rate).toBe(50);
    at(999);
    pacer.refused();
    expect(pacer.rate).toBe(50);
    at(1000);
    accept(150); // also recovers the rate a little
    const before = pacer.rate;
    expect(before).toBeGreaterThan(50);
    pacer.refused();
    expect(pacer.rate).toBe(before * 0.5);
  });

  it('drops at once to 0.9 × what the server accepted from it in the last window, when that is lower', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 180 });
    await pacer.turn(); // it has been sending since t = 0
    at(500);
    accept(40); // these leave the window at 1500
    at(1100);
    accept(60);
    at(1200);
    pacer.refused();
    // 100 accepted in the last second: a server that allows 100/s; 0.8 × 180 = 144 would still be refused.
    expect(pacer.rate).toBe(90);
    at(2400);
    accept(60);
    at(2600);
    pacer.refused();
    // 60 accepted in (1600, 2600], after the hold (1200–1500): 0.9 × 60 = 54, below 0.8 × 96.
    expect(pacer.rate).toBeCloseTo(54, 6);
  });

  it('holds every send until the oldest accepted send has left the server’s window', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100 });
    await pacer.turn(); // sending since t = 0: the window's sends are its part of it
    at(100);
    accept(10);
    at(500);
    await pacer.turn();
    pacer.refused();
    let granted = false;
    const turn = pacer.turn().then(() => (granted = true));
    for (const clock of [600, 900, 1099]) {
      at(clock);
      await vi.advanceTimersByTimeAsync(100);
      expect(granted).toBe(false);
    }
    at(1100);
    await vi.advanceTimersByTimeAsync(1000);
    await turn;
    expect(granted).toBe(true);
  });

  it('after the hold, spaces sends at the new rate with no burst, though answers during the hold raised it: the window has room one send at a time', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, burst: 3 });
    at(100);
    accept(10);
    at(500);
    await pacer.turn();
    pacer.refused();
    // Answers to sends made before the refusal still arrive during the hold and raise the rate a little: the spacing
    // from the hold's end stays.
    at(600);
    accept(10);
    const interval = 1000 / pacer.rate;
    const granted = await grantTimes({ pacer, at }, 500, 4, (clock, sofar) => {
      if (sofar.length === 1 && clock === sofar[0]! + 40) pacer.accepted(40);
    });
    // Its first send was at 500: it joined a window others filled, and the hold ends a quarter window later with a
    // probe; the spacing set at the old rate may push it a fraction of an interval later. The rest go from the probe's
    // answer, 40 ms on (two intervals at the rate: without the probe the next would have gone after one).
    expect(granted[0]).toBeGreaterThanOrEqual(750);
    expect(granted[0]).toBeLessThanOrEqual(752);
    expect(granted[1]).toBe(granted[0]! + 40);
    for (let i = 2; i < granted.length; i++) expect(granted[i]! - granted[i - 1]!).toBeGreaterThanOrEqual(Math.floor(interval));
  });

  /** Ten answers at each given time (with the given round trip, if any), then a refusal: when is the next send granted? */
  const holdEnd = async (answers: Array<[at: number, roundTripMs?: number]>, refusedAt: number, refusedRtt: number): Promise<number> => {
    const { pacer, at } = manual({ callsPerSecond: 100 });
    await pacer.turn(); // sending since t = 0
    for (const [answeredAt, roundTripMs] of answers) {
      at(answeredAt);
      for (let i = 0; i < 10; i++) pacer.accepted(roundTripMs);
    }
    at(refusedAt);
    await pacer.turn();
    pacer.refused(refusedRtt);
    const [granted] = await grantTimes({ pacer, at }, refusedAt, 1);
    return granted as number;
  };

  it('ends the hold half a round trip early, by an answer’s time; a full window after a refusal with no answer in it', async () => {
    // Answers at 100 ms, a 60 ms round trip: the server counted them ~30 ms earlier, a send arrives ~30 ms after it
    // leaves; the hold ends 30 ms before 1100.
    expect(await holdEnd([[100]], 500, 60)).toBe(1070);
    // A round trip longer than the window takes off at most half a window.
    expect(await holdEnd([[100]], 500, 5000)).toBe(600);
    // No accepted answer in the window: what filled it is unknown, so a full window after the refusal, whatever the round trip.
    expect(await holdEnd([], 500, 60)).toBe(1500);
  });

  it('cuts a hold by half the path’s round trip (the least of the last 10 s), not by a refusal that queued', async () => {
    // Answers at 100 ms came back in 60 ms; a refusal that waited 900 ms in a busy event loop still cuts only 30 ms.
    expect(await holdEnd([[100, 60]], 500, 900)).toBe(1070);
    // A faster refusal lowers the path's round trip: 40 ms, so 20 ms off.
    expect(await holdEnd([[100, 60]], 500, 40)).toBe(1080);
    // A least round trip older than 10 s stands for the path no longer: the refusal's own 300 ms does, 150 ms off
    // the hold that the answers at 10.4 s left.
    expect(await holdEnd([[100, 60], [10_400]], 10_200 + 301, 300)).toBe(11_400 - 150);
  });

  it('never goes below its floor', () => {
    const { pacer, at } = manual({ callsPerSecond: 100, minCallsPerSecond: 20 });
    for (let i = 0; i < 10; i++) {
      pacer.refused();
      at((i + 1) * 1000);
    }
    expect(pacer.rate).toBe(20);
  });

  it('accepted sends raise the rate by recoveryPerSecond per second of sends, up to the ceiling', () => {
    const { pacer, accept } = manual({ callsPerSecond: 100, decrease: 0.5, recoveryPerSecond: 10 });
    accept(100);
    pacer.refused();
    expect(pacer.rate).toBe(50);
    // One second of sends at ~50/s raises the rate by ~10.
    accept(50);
    expect(pacer.rate).toBeGreaterThan(59);
    expect(pacer.rate).toBeLessThan(61);
    accept(10_000);
    expect(pacer.rate).toBe(100);
  });

  it('counts and holds by the sends still inside the window when its start cuts a slot', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, burst: 1, decrease: 0.5, minCallsPerSecond: 1 });
    await pacer.turn();
    for (let ms = 0; ms < 100; ms += 10) {
      at(ms);
      accept(1);
    }
    at(1045);
    pacer.refused();
    // The answers at 50–90 ms are still in the window at 1045 ms: 5 of them, the oldest at 50 ms.
    expect(pacer.rate).toBeCloseTo(4.5, 9);
    let granted = false;
    const turn = pacer.turn().then(() => {
      granted = true;
    });
    at(1049);
    await vi.advanceTimersByTimeAsync(4);
    expect(granted).toBe(false);
    at(1050);
    await vi.advanceTimersByTimeAsync(1000);
    await turn;
    expect(granted).toBe(true);
  });

  /**
   * 20 sends in 200 ms from 5000, 3 accepted, then a refusal at 5200 (answers with `roundTripMs`, when given): what it
   * got says nothing of its share.
   */
  async function joinedFullWindow(roundTripMs?: number): Promise<ReturnType<typeof manual>> {
    const joined = manual({ callsPerSecond: 100, minCallsPerSecond: 2 });
    for (let ms = 5000; ms < 5200; ms += 10) {
      joined.at(ms);
      await joined.pacer.turn();
    }
    for (let i = 0; i < 3; i++) joined.pacer.accepted(roundTripMs);
    joined.at(5200);
    joined.pacer.refused(roundTripMs);
    return joined;
  }

  it('a client that joined a full window backs off multiplicatively, not to its floor, and holds a quarter window', async () => {
    const joined = await joinedFullWindow();
    expect(joined.pacer.rate).toBe(50);
    // Not until its oldest accepted send leaves the window (~6190): the others' sends have been leaving it all along.
    expect(await grantTimes(joined, 5200, 1)).toEqual([5450]);
  });

  it('after a join hold, one probe goes first; the rest wait for its answer, not for answers to earlier sends', async () => {
    const joined = await joinedFullWindow(50);
    expect(joined.pacer.rate).toBe(50);
    const granted = await grantTimes(joined, 5200, 3, (clock) => {
      if (clock === 5480) joined.pacer.accepted(300); // sent at 5180, before the hold: says nothing of the window now
      if (clock === 5600) joined.pacer.accepted(150); // the probe's answer (sent at 5450)
    });
    // The probe at the hold's end (a quarter window); the next once its answer came, then at the rate (~20 ms).
    expect(granted[0]).toBe(5450);
    expect(granted[1]).toBe(5600);
    expect(granted[2]! - granted[1]!).toBeGreaterThanOrEqual(19);
    expect(granted[2]! - granted[1]!).toBeLessThanOrEqual(21);
  });

  it('a refused probe is news, though it left within the half round trip the join hold was cut by: it lowers the rate and holds again', async () => {
    const joined = await joinedFullWindow(50);
    const granted = await grantTimes(joined, 5200, 2, (clock) => {
      if (clock === 5500) joined.pacer.refused(50); // the probe (sent at 5450): the window is still full
    });
    expect(granted[0]).toBe(5450);
    // Sending for half a window now, with as many accepted (3) as refusals reacted to (2): it measured its part, 3
    // sends in the 750 ms it was not held, and takes 0.9 × that per second; it holds until its oldest accepted send
    // (5190) has left the window, less half the round trip.
    expect(joined.pacer.rate).toBeCloseTo((0.9 * 3 * 1000) / 750, 9);
    expect(granted[1]).toBe(5190 + 1000 - 25);
  });

  it('a probe never answered holds the rest half a window at most', async () => {
    const granted = await grantTimes(await joinedFullWindow(50), 5200, 2);
    expect(granted).toEqual([5450, 5950]);
  });

  it('a client left alone after giving way regains the quota multiplicatively; until then it recovers additively', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, recoveryPerSecond: 5, minCallsPerSecond: 1 });
    await pacer.turn();
    at(500);
    accept(50);
    at(1000);
    pacer.refused(50);
    // 50 accepted in the window: 0.9 × 50. Additive recovery takes (50 − 45) / 5 = 1 s to regain what the server
    // allowed; a client at its own limit is refused again by then. Multiplicative growth waits a window + twice that.
    expect(pacer.rate).toBe(45);
    at(3999);
    accept(45); // one second of sends at ~45/s
    expect(pacer.rate).toBeGreaterThan(49);
    expect(pacer.rate).toBeLessThan(51);
    at(4000);
    accept(50); // one more second of sends, now also growing ×e a second (one per send)
    expect(pacer.rate).toBeGreaterThan(95);
  });

  it('a client that joined a full window regains the quota multiplicatively after a window without refusals', async () => {
    const { pacer, at, accept } = await joinedFullWindow();
    expect(pacer.rate).toBe(50); // ×0.5, nothing learnt of what the server allows it
    at(6199);
    accept(10); // additive only: +5 a second of sends, 1/5 of a second here
    expect(pacer.rate).toBeLessThan(52);
    at(6200);
    accept(50); // a window on, also ×e a second (one per send); counted from the 100/s it was refused at, it would wait 20 s more
    expect(pacer.rate).toBeGreaterThan(95);
  });

  it('a client refused early in its first window backs off multiplicatively even when most of its few sends were accepted', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, minCallsPerSecond: 2 });
    for (let ms = 5000; ms < 5060; ms += 10) {
      at(ms);
      await pacer.turn();
    }
    accept(4);
    at(5100);
    pacer.refused(); // 4 of 6 accepted, but after 100 ms: the window it joined had room for a few sends only
    expect(pacer.rate).toBe(50);
  });

  it('a refusal of a send that left after the last decrease and its hold lowers the rate again; refusals of earlier sends do not', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, minCallsPerSecond: 1 });
    await pacer.turn(); // sending since t = 0
    at(500);
    accept(100);
    at(1000);
    pacer.refused(50);
    // 100 accepted in the window, 1 refused: measured; 0.8 × 100 is below 0.9 × 100. Held until 500 + 1000 − 25.
    expect(pacer.rate).toBe(80);
    at(1400);
    pacer.refused(600); // sent at 800, before the decrease: the same signal
    expect(pacer.rate).toBe(80);
    at(1500);
    accept(30);
    const recovered = pacer.rate;
    at(1540);
    pacer.refused(50); // sent at 1490: within the half round trip the hold was cut short by, the same signal
    expect(pacer.rate).toBe(recovered);
    at(1600);
    pacer.refused(50); // sent at 1550, after the hold ended at 1475 (+25): the lowered rate is still too high
    // In (600, 1600]: 30 accepted in the 525 ms it was not held (the hold ran 1000–1475), 0.9 × 30 per 525 ms is
    // below 0.8 × 82. A once-per-window rule would have waited until t = 2000, sending at 82/s into a full window.
    expect(pacer.rate).toBeCloseTo((0.9 * 30 * 1000) / 525, 9);
  });

  it('a client none of whose sends in the window were accepted halves its rate, however long it has sent', async () => {
    const { pacer, at } = manual({ callsPerSecond: 100, minCallsPerSecond: 2 });
    await pacer.turn();
    at(600);
    pacer.refused(100); // 600 ms of sending, nothing accepted: it joined a window others had filled
    expect(pacer.rate).toBe(50);
  });

  it('a client with at least as many sends accepted in the window as refusals it reacted to takes 0.9 × them', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, minCallsPerSecond: 1 });
    await pacer.turn();
    at(500);
    pacer.refused(100);
    expect(pacer.rate).toBe(50);
    at(750);
    for (let i = 0; i < 10; i++) pacer.refused(400); // many refusals, but of sends made before it reacted
    at(800);
    accept(2);
    at(1600);
    pacer.refused(50); // sent at 1550, after the hold
    // In (600, 1600]: 2 accepted, 1 refusal reacted to (this one; the eleven before were one signal at 500): its
    // part of the window is 2 sends. It was held 500–1500 (nothing of its own was accepted in that window): 100 ms of
    // sending is too little to scale a share from, so the 2 stand as they are.
    expect(pacer.rate).toBeCloseTo(1.8, 9);
  });

  it('a client refused once the window it started into is full settles below what it got, within its first window', async () => {
    const { pacer, at, accept } = manual({ callsPerSecond: 100, burst: 1, minCallsPerSecond: 2 });
    for (let ms = 0; ms < 600; ms += 10) {
      at(ms);
      await pacer.turn();
    }
    accept(50);
    at(600);
    pacer.refused(); // 60 sent in 600 ms, 50 accepted: the server's window holds 50 of its sends
    expect(pacer.rate).toBeCloseTo(45, 9);
  });

  it('after a refusal whose re-send is accepted, the next send is due by the recovered rate, not the floor', async () => {
    // getAppGroups: 1/s at a 0.85 margin, with a steep decrease so that one refusal drops the rate near its floor
    // (2 %); the re-send used to book the next send a floor interval (~59 s) ahead however soon the rate recovered.
    const pacer = createPacer({ ...pacerSettings(1, 0.85), decrease: 0.05, joinDecrease: 0.05 });
    const grantedAfter = async (ms: number): Promise<number> => {
      const granted = pacer.turn().then(() => performance.now());
      await vi.advanceTimersByTimeAsync(ms);
      return granted;
    };
    await grantedAfter(0);
    pacer.accepted();
    await grantedAfter(1500);
    pacer.accepted();
    await vi.advanceTimersByTimeAsync(1200);
    await grantedAfter(1500);
    pacer.refused();
    expect(pacer.rate).toBeLessThan(0.1);
    await grantedAfter(3000);
    pacer.accepted();
    const acceptedAt = performance.now();
    const next = await grantedAfter(120_000);
    expect(next - acceptedAt).toBeLessThan(2000);
  });
});

describe('settings from the document', () => {
  it('paces at margin × the limit with a burst that keeps a window at or under the limit', () => {
    expect(pacerSettings(200, 0.9)).toEqual({ callsPerSecond: 180, burst: 4, startShare: 0.75, idleRestartMs: 4000 });
    expect(pacerSettings(1, 0.9)).toEqual({ callsPerSecond: 0.9, burst: 1, startShare: 0.75, idleRestartMs: 4000 });
    expect(pacerSettings(20, 0.9)).toEqual({ callsPerSecond: 18, burst: 2, startShare: 0.75, idleRestartMs: 4000 });
  });

  it('rejects settings that are not positive', () => {
    expect(() => createPacer({ callsPerSecond: 0 })).toThrow(/callsPerSecond/);
    expect(() => createPacer({ callsPerSecond: 10, decrease: 1 })).toThrow(/decrease/);
    expect(() => createPacer({ callsPerSecond: 10, joinDecrease: 1 })).toThrow(/joinDecrease must be below 1/);
    expect(() => createPacer({ callsPerSecond: 10, joinDecrease: 0 })).toThrow(/joinDecrease must be a finite number > 0/);
    expect(() => createPacer({ callsPerSecond: 10, growthPerSecond: -1 })).toThrow(/growthPerSecond must be a finite number ≥ 0/);
  });
});
