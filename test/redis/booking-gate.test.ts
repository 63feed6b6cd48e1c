import { describe, expect, it } from 'vitest';
import { createBookingGate } from '../../src/redis/booking-gate.js';

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('the booking gate', () => {
  it('lets `limit` takes in and the others in, first come first served, as takes leave', async () => {
    let limit = 2;
    const gate = createBookingGate(() => limit);
    const order: number[] = [];
    const entries = [1, 2, 3, 4].map((n) => gate.enter().then(() => order.push(n)));
    await Promise.all(entries.slice(0, 2));
    expect(await settled(entries[2] as Promise<unknown>)).toBe(false);
    gate.leave();
    await entries[2];
    expect(await settled(entries[3] as Promise<unknown>)).toBe(false);
    // A higher limit lets more in at the next leave.
    limit = 4;
    gate.leave();
    await entries[3];
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('drops a waiting take from the line when its signal aborts, rejecting with the reason', async () => {
    const gate = createBookingGate(() => 1);
    await gate.enter();
    const controller = new AbortController();
    const reason = new Error('gave up');
    const waiting = gate.enter(controller.signal);
    const next = gate.enter();
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    gate.leave();
    await expect(next).resolves.toBeUndefined();
    await expect(gate.enter(AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
