// What the calls of one operation (or undocumented path) share within a client: its quota lane (none without a rate
// limit) and its measured round trip, from which split calls size their concurrency. Both the throttle stage and the
// split stage are handed this table by the client; neither reaches into the other.
import { rateLimitMargin } from '../../generated/api-facts.js';
import { roundTripMeter, type RoundTripMeter } from '../round-trip.js';
import type { Call } from './context.js';
import type { QuotaLane } from '../types.js';

export interface Flow {
  lane: QuotaLane | undefined;
  roundTrip: RoundTripMeter;
}

/** One flow per path, created on first use; `limitOf` gives the vendor's limit in calls per second (null for none). */
export function flows(sdkAppId: number, limitOf: (call: Call) => number | null): (call: Call) => Flow {
  const byPath = new Map<string, Flow>();
  return (call) => {
    let flow = byPath.get(call.path);
    if (!flow) {
      const limit = limitOf(call);
      const lane: QuotaLane | undefined =
        limit === null ? undefined : { key: `${sdkAppId}/${call.name}`, sdkAppId, operation: call.name, limit, callsPerSecond: limit * rateLimitMargin };
      flow = { lane, roundTrip: roundTripMeter() };
      byPath.set(call.path, flow);
    }
    return flow;
  };
}
