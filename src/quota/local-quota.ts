// The default quota: one pacer per lane, in this process. An app that runs several instances without a shared store
// tells it how many there are (`instances`), and each instance paces at its share of every limit.
import { createPacer, pacerSettings, type Pacer } from './pacer.js';
import type { Quota, QuotaLane } from './quota.js';

export interface LocalQuotaOptions {
  /** Instances of the app sharing its vendor quota, each with its own local quota (default 1). */
  instances?: number | undefined;
}

export function checkInstances(value: unknown, where: string): number {
  if (value === undefined) return 1;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TypeError(`${where} must be a positive integer (got ${String(value)})`);
  }
  return value as number;
}

/** A quota kept in this process: GCRA spacing and AIMD per lane, each lane at limit × margin ÷ instances. */
export function createLocalQuota(options: LocalQuotaOptions = {}): Quota {
  const instances = checkInstances(options.instances, 'createLocalQuota: options.instances');
  // One pacer per lane: lanes are the operations and paths a client calls, a set the API bounds.
  const pacers = new Map<string, Pacer>();
  const pacerOf = (lane: QuotaLane): Pacer => {
    let pacer = pacers.get(lane.key);
    if (!pacer) {
      const share = pacerSettings(lane.limit / instances, lane.callsPerSecond / lane.limit);
      pacer = createPacer(share);
      pacers.set(lane.key, pacer);
    }
    return pacer;
  };
  return {
    take: (lane, signal) => pacerOf(lane).turn(signal),
    report(lane, verdict, roundTripMs) {
      const pacer = pacerOf(lane);
      if (verdict === 'refused') pacer.refused(roundTripMs);
      else pacer.accepted(roundTripMs);
    },
    rate: (lane) => pacerOf(lane).rate,
  };
}
