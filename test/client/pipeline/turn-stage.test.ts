// rate-limit turn: taken right before the attempt goes on, reported as accepted unless the server refused the rate,
// and an abort while waiting sends nothing.
import { expect, it } from 'vitest';
import { turnStage } from '../../../src/pipeline/turn-stage.js';
import { roundTripMeter } from '../../../src/round-trip.js';
import { ChatApiError, TransportCode } from '../../../src/errors.js';
import type { Pacer } from '../../../src/quota/pacer.js';
import { makeAttempt, makeCall, ok } from './support.js';

function fakePacer(turn: (signal?: AbortSignal) => Promise<void> = async () => {}) {
  const log: string[] = [];
  const pacer: Pacer = {
    turn: (signal) => (log.push('turn'), turn(signal)),
    limited: () => (log.push('limited'), 0),
    accepted: () => log.push('accepted'),
    rate: 10,
  };
  return { pacer, log };
}

const fail = (code: number | string, httpStatus = 200) =>
  new ChatApiError('x', { code: code as number, info: '', operation: 'getFriendLists', httpStatus, retryable: true, attempts: 1 });

it('takes the turn before the attempt and reports an accepted reply; the round trip is measured', async () => {
  const { pacer, log } = fakePacer();
  const roundTrip = roundTripMeter();
  const handler = turnStage(() => ({ pacer, roundTrip }))(async () => (log.push('send'), ok()));
  await handler(makeAttempt());
  expect(log).toEqual(['turn', 'send', 'accepted']);
  expect(roundTrip.ms).toBeGreaterThanOrEqual(0);
});

it('a rate refusal is not reported as accepted; another answered failure is', async () => {
  for (const [error, accepted] of [[fail(60007), false], [fail(TransportCode.http, 429), false], [fail(30006), true]] as const) {
    const { pacer, log } = fakePacer();
    const handler = turnStage(() => ({ pacer, roundTrip: roundTripMeter() }))(async () => {
      throw error;
    });
    await expect(handler(makeAttempt())).rejects.toBe(error);
    expect(log.includes('accepted')).toBe(accepted);
  }
});

it('an abort while waiting for the turn: ABORTED with 0 attempts, nothing sent', async () => {
  const controller = new AbortController();
  const { pacer } = fakePacer((signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))));
  let sent = false;
  const handler = turnStage(() => ({ pacer, roundTrip: roundTripMeter() }))(async () => ((sent = true), ok()));
  const pending = handler(makeAttempt(makeCall({ signal: controller.signal, callerSignal: controller.signal })));
  controller.abort();
  await expect(pending).rejects.toMatchObject({ code: TransportCode.aborted, attempts: 0 });
  expect(sent).toBe(false);
});
