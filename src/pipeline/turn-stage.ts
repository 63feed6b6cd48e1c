// Rate-limit turn: the attempt waits for its operation's pacer right before it is handed to fetch, and tells the
// pacer whether the server accepted it (a rate refusal is reported by the retry stage, which asks for the wait).
import { ChatApiError } from '../errors.js';
import { callerAbortError } from './failures.js';
import { isRateLimited } from './retry-stage.js';
import type { AttemptStage, Call } from './context.js';
import type { Pacer } from './pacer.js';

export function turnStage(pacerOf: (call: Call) => Pacer | undefined): AttemptStage {
  return (next) => async (attempt) => {
    const { call } = attempt;
    const pacer = pacerOf(call);
    if (!pacer) return next(attempt);
    try {
      await pacer.turn(call.signal);
    } catch (reason) {
      if (call.signal?.aborted) throw callerAbortError(call, 0);
      throw reason;
    }
    try {
      const envelope = await next(attempt);
      pacer.accepted();
      return envelope;
    } catch (error) {
      if (error instanceof ChatApiError && error.httpStatus !== undefined && !isRateLimited(error, call.name)) pacer.accepted();
      throw error;
    }
  };
}
