// The pacer's cost per event against its history: a pacer that has recorded 10^3 … 10^7 accepted sends (days at full
// rate) must answer the next accepted and refused events in the same constant time and hold the same memory. The
// clock is injected and moves by the send interval, so only the pacer's own work is timed, not a scheduler.
import { createPacer, pacerSettings } from '../src/quota/pacer.js';
import { log, setting, summarize, type Row } from './lib.js';

const LIMIT = 200;

function costPerEvent(history: number, events: number, gc: () => void): { ns: number; heapBytes: number } {
  const settings = pacerSettings(LIMIT, 0.85);
  let clock = 0;
  const pacer = createPacer({ ...settings, now: () => clock });
  const step = 1000 / settings.callsPerSecond;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < history; i++) {
    clock += step;
    pacer.accepted();
  }
  gc();
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  // One refusal per 100 answers, as a busy service sees now and then; accepted the rest.
  const started = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    clock += step;
    if (i % 100 === 99) pacer.refused();
    else pacer.accepted();
  }
  const ns = Number(process.hrtime.bigint() - started) / events;
  return { ns, heapBytes };
}

export function pacerCost(rows: Row[], gc: () => void): void {
  const rounds = setting('BENCH_PACER_ROUNDS', 5, 2);
  const events = setting('BENCH_PACER_EVENTS', 200_000, 20_000);
  const histories = [1e3, 1e4, 1e5, 1e6, 1e7];
  const medians: number[] = [];
  for (const history of histories) {
    log(`pacer: ${events} events after ${history.toExponential(0)} recorded sends, ${rounds} rounds`);
    const ns: number[] = [];
    const heap: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const result = costPerEvent(history, events, gc);
      ns.push(result.ns);
      heap.push(result.heapBytes);
    }
    const summary = summarize(ns);
    medians.push(summary.median);
    const scenario = `pacer 10^${Math.log10(history)}`;
    rows.push({ scenario, measure: `cost per accepted/refused event after ${history.toLocaleString('en-US')} recorded sends`, summary, unit: 'ns' });
    rows.push({ scenario, measure: 'heap held by the pacer after its history (gc before and after)', summary: summarize(heap.map((bytes) => bytes / 1024)), unit: 'KB' });
  }
  // Flat: the cost after 10^7 sends within 2× of the cost after 10^3 (the old pacer's refusal was linear in history).
  const ratio = (medians.at(-1) as number) / (medians[0] as number);
  rows.push({ scenario: 'pacer flat', measure: 'cost per event, 10^7 ÷ 10^3 recorded sends', summary: summarize([ratio]), unit: '×', target: { op: '<=', value: 2 } });
}
