// The `instances` scenario: N client processes (each its own client, as an app's instances are) on one app's quota,
// against one fake vendor process, with the Redis quota (tim-rest-client/redis, on a real redis-server started here)
// beside the client's in-process default. Each process makes one split call (getSpecifiedFriends) of 10,000 or 20,000
// accounts; they start together or one every 500 ms. Its table goes to its own section of bench/RESULTS.md.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { spawnFakeVendorServer, type SpawnedFakeVendor } from '../src/testing/spawn.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { DoneMessage, RunMessage } from './instance-child.js';
import { isQuick, listSetting, log, quantile, roundOrder, setting, summarize, type Summary } from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHUNK = 100;
const STAGGER_MS = 500;
const QUOTAS: Record<RunMessage['quota'], string> = {
  redis: 'Redis quota',
  local: 'in-process default',
  share: 'in-process, instances: N',
  before: 'in-process default, client before',
};
export const SECTION_START = '<!-- instances:start -->';
export const SECTION_END = '<!-- instances:end -->';
/** The section of a repeated run (BENCH_INSTANCES_ROUNDS > 1): medians and ranges, beside the full run's single rows. */
export const REPEATED_START = '<!-- instances-repeated:start -->';
export const REPEATED_END = '<!-- instances-repeated:end -->';

interface Case {
  rttMs: number;
  /** The server's real limit (the document says 200/s). */
  limit: number;
  processes: number;
  staggered: boolean;
  accounts: number;
  quota: RunMessage['quota'];
  /** The app's first job with the Redis quota: nothing learned yet of what the server allows. */
  fresh?: boolean;
}

interface Result {
  wallMs: number;
  minimumMs: number;
  calls: number;
  refusals: number;
  accepted: number;
  failed: number;
  lost: number;
  spread: number;
  peakSockets: number;
  fallbacks: number;
  /** The attempts' round trips over all processes, median and 90th percentile, in ms. */
  roundTripP50: number;
  roundTripP90: number;
  /** The share of this machine's CPU time that was busy during the case. */
  cpuBusy: number;
}

/** Busy and total CPU time of all cores so far, in ms. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

interface Instance {
  child: ChildProcess;
  next(): Promise<DoneMessage>;
}

/** Forks one instance process and resolves once it is ready (its imports done, so startup is not measured). */
function startInstance(): Promise<Instance> {
  const child = fork(path.join(here, 'instance-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: ((message: DoneMessage) => void)[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance process exited (${code})`)));
    child.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolve({ child, next: () => new Promise((done) => waiting.push(done)) });
      else if (message.type === 'done') waiting.shift()?.(message as DoneMessage);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the previous case's sockets have closed (clients kept from case to case keep theirs) and the fake's rate
 * window is empty, then resets its counters.
 */
async function quiet(vendor: SpawnedFakeVendor): Promise<void> {
  const keep = process.env['BENCH_INSTANCES_KEEP'] === '1';
  for (let i = 0; i < 40; i++) {
    const stats = await vendor.stats();
    if ((keep || stats.openSockets <= 1) && stats.inFlight === 0) break;
    await sleep(250);
  }
  await sleep(1100);
  await vendor.resetStats();
}

let runId = 0;

/**
 * Each server is one app: its lanes keep the limit they learned (the `:learned` keys) from case to case, as an app's
 * do from job to job, while everything else of a lane starts afresh for each case.
 */
async function freshLanes(redis: Redis, prefix: string): Promise<void> {
  if (process.env['BENCH_INSTANCES_DEBUG']) for (const key of await redis.keys(`${prefix}*:learned`)) log(`instances: ${key} = ${await redis.get(key)}`);
  const keys = (await redis.keys(`${prefix}*`)).filter((key) => !key.endsWith(':learned'));
  if (keys.length > 0) await redis.del(...keys);
}

/** Each round of a repeated run is a new app: what the lanes learned before is forgotten, and its first job learns it. */
async function forgetLearned(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*:learned`);
  if (keys.length > 0) await redis.del(...keys);
}

async function runCase(instances: Instance[], vendor: SpawnedFakeVendor, redis: Redis, redisUrl: string, prefix: string, c: Case): Promise<Result> {
  await quiet(vendor);
  await freshLanes(redis, prefix);
  const id = ++runId;
  const cpu0 = cpuTimes();
  const t0 = performance.now();
  const finished = Promise.all(
    instances.slice(0, c.processes).map(async (instance, index) => {
      if (c.staggered) await sleep(index * STAGGER_MS);
      const done = instance.next();
      const message: RunMessage = { type: 'run', id, baseUrl: vendor.url, accounts: c.accounts, quota: c.quota, instances: c.processes, redisUrl, prefix };
      instance.child.send(message);
      return done;
    }),
  );
  const results = await finished;
  const reasons = new Set(results.flatMap((r) => r.reasons));
  if (reasons.size > 0) log(`instances: fell back because ${[...reasons].join('; ')}`);
  const wallMs = performance.now() - t0;
  const cpu1 = cpuTimes();
  const stats = await vendor.stats();
  const roundTrips = results.flatMap((r) => r.roundTrips);
  const callsEach = Math.ceil(c.accounts / CHUNK);
  const durations = results.map((r) => r.durationMs);
  if (process.env['BENCH_INSTANCES_DEBUG']) log(`instances: call times by start order ${durations.map((d) => d.toFixed(0)).join(', ')} ms`);
  // N × calls ÷ limit + RTT; staggered, the last process cannot start before (N − 1) × 500 ms either.
  const minimumMs = Math.max((c.processes * callsEach * 1000) / c.limit, c.staggered ? (c.processes - 1) * STAGGER_MS + (callsEach * 1000) / c.limit : 0) + c.rttMs;
  return {
    wallMs,
    minimumMs,
    calls: c.processes * callsEach,
    refusals: stats.rateLimited,
    accepted: stats.accepted,
    failed: results.reduce((n, r) => n + r.failed, 0),
    lost: results.reduce((n, r) => n + r.lost, 0),
    spread: Math.max(...durations) / Math.min(...durations),
    peakSockets: stats.peakOpenSockets,
    fallbacks: results.reduce((n, r) => n + r.fallbacks, 0),
    // No reply at all (every attempt failed before one) leaves the column empty rather than failing the whole run.
    roundTripP50: roundTrips.length > 0 ? quantile(roundTrips, 0.5) : NaN,
    roundTripP90: roundTrips.length > 0 ? quantile(roundTrips, 0.9) : NaN,
    cpuBusy: (cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total),
  };
}

const fixed = (value: number, digits = 0): string => value.toFixed(digits);

/**
 * Accepted calls over what the server allows from the end of the first round trip to the end, in %. The first round
 * trip opens a connection: the handshake (one RTT at the fake, as TCP's; TLS adds more) and the request's RTT.
 */
const quotaUsed = (c: Case, r: Result): number => (100 * r.accepted) / ((c.limit * Math.max(1, r.wallMs - 2 * c.rttMs)) / 1000);

/** The cells that name a case: its server, processes, accounts and quota. */
const caseCells = (c: Case): string =>
  `| ${c.rttMs} ms | ${c.limit}/s | ${c.processes}${c.staggered ? ', one every 500 ms' : ''}${c.fresh ? ", the app's first job" : ''} | ${c.accounts / 1000}k | ${QUOTAS[c.quota]} |`;

function row(c: Case, r: Result): string {
  const used = quotaUsed(c, r);
  return `${caseCells(c)} ${fixed(r.wallMs)} | ${fixed(r.minimumMs)} | ${fixed((100 * r.refusals) / r.calls, 1)}% (${r.refusals}) | ${fixed(used)}% | ${r.failed} | ${r.lost} | ${fixed(r.spread, 2)} | ${r.peakSockets} | ${r.fallbacks} | ${fixed(r.roundTripP50)} / ${fixed(r.roundTripP90)} | ${fixed(100 * r.cpuBusy)}% |`;
}

const range = (s: Summary, digits: number, unit = ''): string => `${fixed(s.median, digits)}${unit} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

/**
 * One case over several rounds: medians with their range, where a single run of a case at a scheduling-bound load (8
 * or 16 processes on 2 cores) can land anywhere in a band several points wide. Failures are totals, sockets the most.
 */
function repeatedRow(c: Case, runs: readonly Result[]): string {
  const refusals = summarize(runs.map((r) => (100 * r.refusals) / r.calls));
  const used = summarize(runs.map((r) => quotaUsed(c, r)));
  const total = (pick: (r: Result) => number): number => runs.reduce((n, r) => n + pick(r), 0);
  return `${caseCells(c)} ${runs.length} | ${range(summarize(runs.map((r) => r.wallMs)), 0)} | ${fixed((runs[0] as Result).minimumMs)} | ${range(refusals, 1, '%')} | ${range(used, 0, '%')} | ${total((r) => r.failed)} | ${total((r) => r.lost)} | ${range(summarize(runs.map((r) => r.spread)), 2)} | ${Math.max(...runs.map((r) => r.peakSockets))} | ${total((r) => r.fallbacks)} |`;
}

/** Runs every case and writes its section of bench/RESULTS.md (a full run, or BENCH_WRITE=1). */
export async function instances(): Promise<string> {
  const counts = listSetting('BENCH_INSTANCES_N', isQuick ? [1, 4] : [1, 2, 4, 8, 16]);
  const accounts = listSetting('BENCH_INSTANCES_ACCOUNTS', isQuick ? [2_000] : [10_000, 20_000]);
  const quotas = (process.env['BENCH_INSTANCES_QUOTAS'] ?? 'redis,local,share').split(',').map((q) => q.trim()) as RunMessage['quota'][];
  // The client before this work (BENCH_BEFORE), beside the in-process default: what an app got before, in the same run.
  const before = process.env['BENCH_BEFORE'];
  if (before !== undefined && existsSync(before) && quotas.includes('local') && !quotas.includes('before')) quotas.splice(quotas.indexOf('local') + 1, 0, 'before');
  for (const quota of quotas) if (!(quota in QUOTAS)) throw new TypeError(`BENCH_INSTANCES_QUOTAS: unknown quota ${quota} (know ${Object.keys(QUOTAS).join(', ')})`);
  const servers = (process.env['BENCH_INSTANCES_SERVERS'] ?? (isQuick ? '50:200' : '50:200,150:200,50:100')).split(',').map((pair) => {
    const [rtt, limit] = pair.split(':').map(Number);
    if (!rtt || !limit) throw new TypeError(`BENCH_INSTANCES_SERVERS: expected rtt:limit, got ${pair}`);
    return { rttMs: rtt, limit };
  });
  const starts = (process.env['BENCH_INSTANCES_STARTS'] ?? 'together,staggered').split(',').map((start) => {
    if (start !== 'together' && start !== 'staggered') throw new TypeError(`BENCH_INSTANCES_STARTS: expected together or staggered, got ${start}`);
    return start === 'staggered';
  });
  const rounds = setting('BENCH_INSTANCES_ROUNDS', 1, 1);
  if (!Number.isSafeInteger(rounds)) throw new TypeError(`BENCH_INSTANCES_ROUNDS must be a whole number (got ${rounds})`);
  const jitter = setting('BENCH_BULK_JITTER_MS', 5, 5);
  const started = performance.now();
  const lines: string[] = [];
  const redis = await startRedisServer();
  const keys = new Redis(redis.url);
  const pool: Instance[] = [];
  try {
    for (let i = 0; i < Math.max(...counts); i++) pool.push(await startInstance());
    for (const server of servers) {
      const vendor = await spawnFakeVendorServer({
        args: ['--rtt', String(server.rttMs), '--jitter', String(jitter), '--rate-limit', String(server.limit), '--friends', String(Math.max(...accounts)), '--groups', '10'],
      });
      const app = `bench:${process.pid}:${server.rttMs}:${server.limit}:`;
      // A case's runs, in the order of the first round.
      const cases = new Map<string, { c: Case; runs: Result[] }>();
      const measure = async (c: Case): Promise<void> => {
        log(`instances: ${server.rttMs} ms, ${server.limit}/s, ${c.processes}${c.staggered ? ' staggered' : ''}, ${c.accounts} accounts, ${c.quota}${c.fresh ? ', first job' : ''}`);
        const result = await runCase(pool, vendor, keys, redis.url, app, c);
        log(row(c, result));
        const key = JSON.stringify(c);
        const entry = cases.get(key) ?? { c, runs: [] };
        entry.runs.push(result);
        cases.set(key, entry);
      };
      try {
        // One unmeasured run per process and quota first: the first call of a fresh process (JIT, the first Redis
        // connection and script load) is not what an instance that has been running does.
        if (server === servers[0]) {
          log('instances: warm-up');
          for (const quota of quotas) await runCase(pool, vendor, keys, redis.url, `bench:${process.pid}:warm-up:`, { ...server, processes: pool.length, staggered: false, accounts: 1_000, quota });
        }
        for (let round = 0; round < rounds; round++) {
          if (rounds > 1) log(`instances: round ${round + 1} of ${rounds}`);
          // The app's first job with the Redis quota, where it learns what the server allows, once per job size (each
          // a new app): its refusals are the sends of the round trip before the first refusal came back, a count
          // that does not grow with the job, so their share does not hold for another size. The cases after it run
          // on what the last one learned, as an app's later jobs do.
          if (quotas.includes('redis')) {
            for (const [index, count] of accounts.entries()) {
              if (round > 0 || index > 0) await forgetLearned(keys, app);
              await measure({ ...server, processes: Math.min(4, pool.length), staggered: false, accounts: count, quota: 'redis', fresh: true });
            }
          }
          for (const staggered of starts) {
            for (const count of accounts) {
              for (const processes of counts) {
                // Quotas in turn, in reverse every other round, so a drifting machine load does not favour one.
                for (const quota of roundOrder(quotas, round)) await measure({ ...server, processes, staggered, accounts: count, quota });
              }
            }
          }
        }
        for (const { c, runs } of cases.values()) lines.push(rounds > 1 ? repeatedRow(c, runs) : row(c, runs[0] as Result));
      } finally {
        await vendor.stop();
      }
    }
  } finally {
    for (const instance of pool) instance.child.disconnect();
    await keys.quit();
    await redis.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const repeated = rounds > 1;
  const markers: Markers = repeated ? [REPEATED_START, REPEATED_END] : [SECTION_START, SECTION_END];
  const section = [
    markers[0],
    repeated ? `## Several instances, each case ${rounds} times (scenario \`instances\`, BENCH_INSTANCES_ROUNDS)` : '## Several instances (scenario `instances`)',
    '',
    `- Date: ${new Date().toISOString()}; Node ${process.version}; ${os.cpus().length} cores, 1-minute load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end; ${seconds.toFixed(0)} s${isQuick ? ' (quick run: small counts, not for comparison)' : ''}`,
    '',
    'N client processes (each its own client) against one fake vendor process (jitter 0–5 ms each way, handshake = one',
    'RTT, a sliding 1 s window counted at arrival answering 60007), each one `getSpecifiedFriends` split call; started',
    'together, or one every 500 ms. "Redis quota" is `createRedisQuota` on a local redis-server; "in-process default"',
    'is the client without a `quota` option; "in-process, instances: N" is the client given `instances: N` (each paces',
    'at 1/N of every limit) and no `quota`; "client before" is the client before the shared quota (BENCH_BEFORE, the',
    `checkout the issue measured), with its default.${repeated ? '' : ' One run per case.'} Minimum: N × calls ÷ limit + RTT (staggered: also`,
    'the last start + its calls ÷ limit). Quota used: accepted calls ÷ (limit × (wall − the first round trip)), the',
    'first round trip being a new connection\'s handshake and the request: 2 × RTT here. Slowest ÷ fastest: the',
    "processes' own call times. Fallbacks: times a Redis quota fell back to its in-process pacer. Each server is one app:",
    "its first Redis-quota job (\"the app's first job\", once per account count, each time as a new app) learns what the",
    'server allows, and the cases after it start from the limit the last one learned, as later jobs of an app do (each',
    "case starts with a fresh lane otherwise). Round trip: every attempt's time from send to the end of its reply, over",
    "all processes, median / 90th percentile; CPU busy: this machine's cores over the case. The processes, the fake and",
    "Redis share those cores: a 90th percentile far above the RTT (a new connection's is 2 × RTT) means calls queued on",
    'this machine, and the row measures it as much as the client.',
    '',
    ...(repeated
      ? [
          'Each case ran once a round, the quotas of a case one after another (in reverse every other round). A cell is the',
          'median of the rounds (their least–most); failed calls, accounts lost and fallbacks are totals over the rounds,',
          'peak sockets the most. Each round is a new app: it forgets what the round before learned, and its first',
          "Redis-quota job learns it again. Round trips and CPU are left to the single-run table: a single run's spread is",
          'what this table shows.',
          '',
        ]
      : []),
    ...(repeated
      ? [
          '| RTT | server limit | N processes | accounts each | quota | rounds | wall ms | minimum ms | refusals (60007) | quota used | failed calls | accounts lost | slowest ÷ fastest | peak sockets | fallbacks |',
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ]
      : [
          '| RTT | server limit | N processes | accounts each | quota | wall ms | minimum ms | refusals (60007) | quota used | failed calls | accounts lost | slowest ÷ fastest | peak sockets | fallbacks | round trip ms, p50 / p90 | CPU busy |',
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ]),
    ...lines,
    markers[1],
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  const partial = isQuick || ['N', 'ACCOUNTS', 'SERVERS', 'QUOTAS', 'STARTS'].some((name) => process.env[`BENCH_INSTANCES_${name}`] !== undefined);
  if (!partial || process.env['BENCH_WRITE'] === '1') {
    writeSection(section, markers);
    log('instances: wrote its section of bench/RESULTS.md');
  }
  return section;
}

type Markers = readonly [start: string, end: string];

/** Where a section between `markers` is in `text`, if it is. */
function sectionSpan(text: string, [startMarker, endMarker]: Markers): { start: number; end: number } | undefined {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  return start !== -1 && end > start ? { start, end: end + endMarker.length } : undefined;
}

/** A section of RESULTS.md, replaced in place (or appended), leaving the rest of the file as it is. */
export function writeSection(section: string, markers: Markers, file = path.join(here, 'RESULTS.md')): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const span = sectionSpan(text, markers);
  writeFileSync(file, span ? `${text.slice(0, span.start)}${section}${text.slice(span.end)}` : `${text.trimEnd()}\n\n${section}\n`);
}

/** The instances sections RESULTS.md holds now (the full run's, a repeated run's), to keep when the rest is written again. */
export function currentSections(file = path.join(here, 'RESULTS.md')): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const kept = ([[SECTION_START, SECTION_END], [REPEATED_START, REPEATED_END]] as const).flatMap((markers) => {
    const span = sectionSpan(text, markers);
    return span ? [text.slice(span.start, span.end)] : [];
  });
  return kept.length > 0 ? kept.join('\n\n') : undefined;
}
