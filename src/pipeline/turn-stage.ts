// Rate-limit turn: the attempt waits for its operation's pacer right before it is handed to fetch, tells the pacer
// whether the server accepted it (a rate refusal is reported by the retry stage, which asks for the wait), and
// measures the round trip that split calls size their concurrency from.
import { ChatApiError } from '../errors.js';
import { callerAbortError } from './failures.js';
import { isRateLimited } from './retry-stage.js';
import type { AttemptStage, Call } from './context.js';
import type { Flow } from './flow.js';

export function turnStage(flowOf: (call: Call) => Flow, now: () => number = () => performance.now()): AttemptStage {
  return (next) => async (attempt) => {
    const { call } = attempt;
    const { pacer, roundTrip } = flowOf(call);
    if (pacer) {
      try {
        await pacer.turn(call.signal);
      } catch (reason) {
        if (call.signal?.aborted) throw callerAbortError(call, 0);
        throw reason;
      }
    }
    const sentAt = now();
    try {
      const envelope = await next(attempt);
      roundTrip.observe(now() - sentAt);
      pacer?.accepted();
      return envelope;
    } catch (error) {
      if (error instanceof ChatApiError && error.httpStatus !== undefined) {
        roundTrip.observe(now() - sentAt);
        if (!isRateLimited(error, call.name)) pacer?.accepted();
      }
      throw error;
    }
  };
}
