// What the calls of one operation (or undocumented path) share within a client: its pacer (none without a rate
// limit) and its measured round trip, from which split calls size their concurrency.
import { rateLimitMargin } from '../../generated/api-facts.js';
import { createPacer, pacerSettings, type Pacer } from '../quota/pacer.js';
import { roundTripMeter, type RoundTripMeter } from '../round-trip.js';
import type { Call } from './context.js';

export interface Flow {
  pacer: Pacer | undefined;
  roundTrip: RoundTripMeter;
}

/** One flow per path, created on first use; `callsPerSecond` gives the documented limit (null for none). */
export function flows(callsPerSecond: (call: Call) => number | null): (call: Call) => Flow {
  const byPath = new Map<string, Flow>();
  return (call) => {
    let flow = byPath.get(call.path);
    if (!flow) {
      const limit = callsPerSecond(call);
      flow = { pacer: limit === null ? undefined : createPacer(pacerSettings(limit, rateLimitMargin)), roundTrip: roundTripMeter() };
      byPath.set(call.path, flow);
    }
    return flow;
  };
}
