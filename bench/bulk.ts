// The bulk-work jobs: what users do with this client (20,000 friends' profiles, every group of an app, several
// processes sharing one quota), against the one fake vendor (tim-rest-client/testing) run as a loopback server in its
// own process, with latency, jitter, a handshake delay on new connections and a per-path sliding 1 s window counted
// at arrival that answers 60007. Each job runs this build of the client, the client before this work (BENCH_BEFORE, a
// checkout of main), and hand-written raw-fetch callers (naive Promise.all, sequential loop), round after round in
// alternating order; the table gives medians with min–max beside the theoretical minimum.
import { existsSync } from 'node:fs';
import { Agent } from 'undici';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as thisClient from '../src/index.js';
import { spawnFakeVendorServer, type SpawnedFakeVendor } from '../src/testing/spawn.js';
import type { FakeVendorServerStats } from '../src/testing/server.js';
import { FAKE_APP } from '../src/testing/vendor.js';
import { log, roundOrder, setting, summarize, type Row, type Target, type Unit } from './lib.js';

type ClientModule = typeof thisClient;
interface BulkClient {
  getSpecifiedFriends(body: unknown): Promise<{ InfoItem?: { To_Account: string }[] }>;
  getFriendLists(body: unknown): Promise<unknown>;
  paginate(operation: 'getAppGroups', body: unknown, options?: unknown): AsyncIterable<{ GroupIdList?: unknown[] }>;
}

const FRIENDS_PATH = '/v4/sns/friend_get_list';
const LISTS_PATH = '/v4/sns/group_get';
const GROUPS_PATH = '/v4/group_open_http_svc/get_appid_group_list';
const CHUNK = 100;
const DOCUMENTED = thisClient.operations.getSpecifiedFriends.requestsPerSecond;

interface Build {
  key: string;
  label: string;
  create(baseUrl: string, extra?: Record<string, unknown>): BulkClient;
}

async function loadBuilds(): Promise<Build[]> {
  const builds: Build[] = [{ key: 'client', label: 'this client', create: (baseUrl, extra) => makeClient(thisClient, baseUrl, extra) }];
  const before = process.env['BENCH_BEFORE'] ?? '/tmp/tim-main/src/index.ts';
  if (existsSync(before)) {
    const module = (await import(pathToFileURL(path.resolve(before)).href)) as ClientModule;
    builds.push({ key: 'before', label: 'client before (main)', create: (baseUrl, extra) => makeClient(module, baseUrl, extra) });
  } else {
    log(`bulk: no BENCH_BEFORE build at ${before}; the "before" column is left out`);
  }
  return builds;
}

function makeClient(module: ClientModule, baseUrl: string, extra: Record<string, unknown> = {}): BulkClient {
  return module.createChatClient({ ...FAKE_APP, baseUrl, ...extra } as Parameters<ClientModule['createChatClient']>[0]) as unknown as BulkClient;
}

// ---- hand-written raw-fetch callers --------------------------------------------------------------------------------

let rawUserSig = '';
function rawUrl(baseUrl: string, apiPath: string): string {
  return `${baseUrl}${apiPath}?sdkappid=${FAKE_APP.sdkAppId}&identifier=${FAKE_APP.identifier}&usersig=${encodeURIComponent(rawUserSig)}&random=${(Math.random() * 4294967296) >>> 0}&contenttype=json`;
}
/** One raw call; resolves with the parsed envelope, or null when the call failed (network, HTTP, FAIL envelope). */
async function rawCall(baseUrl: string, apiPath: string, body: unknown): Promise<Record<string, unknown> | null> {
  try {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(rawUrl(baseUrl, apiPath), { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const reply = JSON.parse(await res.text()) as Record<string, unknown>;
    return res.ok && reply['ErrorCode'] === 0 ? reply : null;
  } catch {
    return null;
  }
}

// ---- measuring -----------------------------------------------------------------------------------------------------

interface Outcome {
  /** Calls (or chunks) that failed for good. */
  failed: number;
  /** Request items (accounts, groups) missing from the result. */
  lost: number;
}

interface Sample {
  wallMs: number;
  outcome: Outcome;
  stats: FakeVendorServerStats;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the keep-alive sockets of the previous variant have closed (the stats request keeps at most one). */
async function quiet(vendor: SpawnedFakeVendor): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const stats = await vendor.stats();
    if (stats.openSockets <= 1 && stats.inFlight === 0) break;
    await sleep(250);
  }
  await sleep(1100); // the rate window forgets the previous variant
  await vendor.resetStats();
}

async function measure(vendor: SpawnedFakeVendor, run: () => Promise<Outcome>): Promise<Sample> {
  await quiet(vendor);
  const t0 = performance.now();
  const outcome = await run();
  const wallMs = performance.now() - t0;
  return { wallMs, outcome, stats: await vendor.stats() };
}

/** Accepted calls per second from the 5th second on (whole seconds only). */
function acceptedFromFifthSecond(stats: FakeVendorServerStats): number {
  const seconds = stats.acceptedPerSecond.slice(4, -1);
  return seconds.length === 0 ? Number.NaN : seconds.reduce((a, b) => a + b, 0) / seconds.length;
}

interface VariantRows {
  label: string;
  samples: Sample[];
}

/** Runs every variant once per round, in an order that alternates between rounds, so drift of the machine cancels. */
async function runRounds(scenario: string, vendor: SpawnedFakeVendor, variants: readonly { label: string; run: () => Promise<Outcome> }[], rounds: number): Promise<VariantRows[]> {
  const results: VariantRows[] = variants.map((v) => ({ label: v.label, samples: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const index of roundOrder(variants.map((_, i) => i), round)) {
      log(`${scenario}: round ${round + 1}/${rounds}, ${variants[index]!.label}`);
      results[index]!.samples.push(await measure(vendor, variants[index]!.run));
    }
  }
  return results;
}

function pushRows(rows: Row[], scenario: string, variants: VariantRows[], measures: { name: string; unit: Unit; of: (s: Sample) => number; target?: Target; targetFor?: string }[]): void {
  for (const measure of measures) {
    for (const variant of variants) {
      if (variant.samples.length === 0) continue;
      const values = variant.samples.map(measure.of).filter((v) => Number.isFinite(v));
      if (values.length === 0) continue;
      rows.push({
        scenario,
        measure: `${measure.name}, ${variant.label}`,
        summary: summarize(values),
        unit: measure.unit,
        target: measure.targetFor === undefined || measure.targetFor === variant.label ? measure.target : undefined,
      });
    }
  }
}

// ---- the jobs ------------------------------------------------------------------------------------------------------

async function friendsJob(rows: Row[], builds: Build[], vendor: SpawnedFakeVendor, friendIds: string[], accounts: number, rttMs: number, rounds: number, sequentialRounds: number): Promise<void> {
  const to = friendIds.slice(0, accounts);
  const body = { From_Account: 'user0', To_Account: to, TagList: ['Tag_Profile_IM_Nick', 'Tag_SNS_IM_Remark'] };
  const calls = Math.ceil(accounts / CHUNK);
  const minimum = ((calls - 1) / DOCUMENTED) * 1000 + rttMs;
  const scenario = `bulk ${accounts / 1000}k @${rttMs}ms`;
  const boundedSockets = Math.ceil(DOCUMENTED * (rttMs / 1000) * 1.5);
  const chunks = Array.from({ length: calls }, (_, i) => ({ ...body, To_Account: to.slice(i * CHUNK, (i + 1) * CHUNK) }));
  const countItems = (replies: (Record<string, unknown> | null)[]): Outcome => ({
    failed: replies.filter((r) => r === null).length,
    lost: accounts - replies.reduce((n, r) => n + ((r?.['InfoItem'] as unknown[] | undefined)?.length ?? 0), 0),
  });
  const variants = [
    ...builds.map((build) => ({
      label: build.label,
      run: async (): Promise<Outcome> => {
        const client = build.create(vendor.url);
        try {
          const reply = await client.getSpecifiedFriends(body);
          const got = reply.InfoItem?.map((item) => item.To_Account) ?? [];
          if (got.length !== accounts || got.some((id, i) => id !== to[i])) throw new Error('wrong merged InfoItem');
          return { failed: 0, lost: 0 };
        } catch (error) {
          if (error instanceof Error && error.message === 'wrong merged InfoItem') throw error;
          return { failed: 1, lost: accounts };
        }
      },
    })),
    {
      // The platform way to bound sockets: the client's `fetch` option handing Node's fetch an undici Agent.
      label: `this client, undici Agent (connections: ${boundedSockets})`,
      run: async (): Promise<Outcome> => {
        const agent = new Agent({ connections: boundedSockets });
        const client = builds[0]!.create(vendor.url, {
          fetch: (request: Request) => fetch(request, { dispatcher: agent } as RequestInit),
        });
        try {
          const reply = await client.getSpecifiedFriends(body);
          return { failed: 0, lost: accounts - (reply.InfoItem?.length ?? 0) };
        } catch {
          return { failed: 1, lost: accounts };
        } finally {
          await agent.close();
        }
      },
    },
    { label: 'raw fetch, naive Promise.all', run: async () => countItems(await Promise.all(chunks.map((chunk) => rawCall(vendor.url, FRIENDS_PATH, chunk)))) },
  ];
  const results = await runRounds(scenario, vendor, variants, rounds);
  const sequential: VariantRows = { label: 'raw fetch, sequential loop', samples: [] };
  for (let round = 0; round < sequentialRounds; round++) {
    log(`${scenario}: sequential loop ${round + 1}/${sequentialRounds}`);
    sequential.samples.push(
      await measure(vendor, async () => {
        const replies: (Record<string, unknown> | null)[] = [];
        for (const chunk of chunks) replies.push(await rawCall(vendor.url, FRIENDS_PATH, chunk));
        return countItems(replies);
      }),
    );
  }
  results.push(sequential);
  rows.push({ scenario, measure: `theoretical minimum: (${calls} − 1) ÷ ${DOCUMENTED}/s + RTT`, summary: summarize([minimum]), unit: 'ms' });
  pushRows(rows, scenario, results, [
    { name: 'wall time', unit: 'ms', of: (s) => s.wallMs, target: { op: '<=', value: 1.3 * minimum }, targetFor: 'this client' },
    { name: 'rate-limit answers (60007)', unit: 'calls', of: (s) => s.stats.rateLimited, target: { op: '<=', value: 0 }, targetFor: 'this client' },
    { name: 'failed calls/chunks', unit: 'calls', of: (s) => s.outcome.failed, target: { op: '<=', value: 0 }, targetFor: 'this client' },
    { name: 'accounts lost', unit: 'calls', of: (s) => s.outcome.lost },
    { name: 'peak open sockets', unit: 'sockets', of: (s) => s.stats.peakOpenSockets, target: { op: '<=', value: 2 * DOCUMENTED * (rttMs / 1000) }, targetFor: 'this client' },
    { name: 'connections opened', unit: 'sockets', of: (s) => s.stats.connections },
  ]);
}

async function lowerLimitJob(rows: Row[], builds: Build[], vendor: SpawnedFakeVendor, calls: number, rounds: number): Promise<void> {
  const scenario = 'bulk 100/s server';
  const variants = [
    ...builds.map((build) => ({
      label: build.label,
      run: async (): Promise<Outcome> => {
        const client = build.create(vendor.url);
        const outcomes = await Promise.allSettled(Array.from({ length: calls }, () => client.getFriendLists({ From_Account: 'user0' })));
        const failed = outcomes.filter((o) => o.status === 'rejected').length;
        return { failed, lost: failed };
      },
    })),
    {
      label: 'raw fetch, naive Promise.all',
      run: async (): Promise<Outcome> => {
        const replies = await Promise.all(Array.from({ length: calls }, () => rawCall(vendor.url, LISTS_PATH, { From_Account: 'user0' })));
        const failed = replies.filter((r) => r === null).length;
        return { failed, lost: failed };
      },
    },
  ];
  const results = await runRounds(scenario, vendor, variants, rounds);
  rows.push({ scenario, measure: `theoretical minimum: ${calls} calls at the server's 100/s`, summary: summarize([((calls - 1) / 100) * 1000]), unit: 'ms' });
  pushRows(rows, scenario, results, [
    { name: 'wall time', unit: 'ms', of: (s) => s.wallMs },
    { name: 'failed calls', unit: 'calls', of: (s) => s.outcome.failed, target: { op: '<=', value: 0 }, targetFor: 'this client' },
    { name: 'accepted rate from the 5th second', unit: 'calls/s', of: (s) => acceptedFromFifthSecond(s.stats), target: { op: '>=', value: 85 }, targetFor: 'this client' },
    { name: 'rate-limit answers, % of calls', unit: '%', of: (s) => (100 * s.stats.rateLimited) / calls, target: { op: '<=', value: 5 }, targetFor: 'this client' },
    { name: 'peak open sockets', unit: 'sockets', of: (s) => s.stats.peakOpenSockets },
  ]);
}

async function sharedQuotaJob(rows: Row[], builds: Build[], vendor: SpawnedFakeVendor, callsEach: number, rounds: number): Promise<void> {
  const scenario = 'bulk shared 200/s';
  const variants = builds.map((build) => ({
    label: `${build.label} × 2`,
    run: async (): Promise<Outcome> => {
      const clients = [build.create(vendor.url), build.create(vendor.url)];
      const outcomes = await Promise.allSettled(clients.flatMap((client) => Array.from({ length: callsEach }, () => client.getFriendLists({ From_Account: 'user0' }))));
      const failed = outcomes.filter((o) => o.status === 'rejected').length;
      return { failed, lost: failed };
    },
  }));
  const results = await runRounds(scenario, vendor, variants, rounds);
  rows.push({ scenario, measure: `theoretical minimum: ${2 * callsEach} calls at 200/s`, summary: summarize([((2 * callsEach - 1) / 200) * 1000]), unit: 'ms' });
  pushRows(rows, scenario, results, [
    { name: 'wall time', unit: 'ms', of: (s) => s.wallMs },
    { name: 'failed calls', unit: 'calls', of: (s) => s.outcome.failed, target: { op: '<=', value: 0 }, targetFor: 'this client × 2' },
    { name: 'combined accepted rate from the 5th second', unit: 'calls/s', of: (s) => acceptedFromFifthSecond(s.stats), target: { op: '>=', value: 170 }, targetFor: 'this client × 2' },
    { name: 'rate-limit answers', unit: 'calls', of: (s) => s.stats.rateLimited },
  ]);
}

async function paginateJob(rows: Row[], builds: Build[], vendor: SpawnedFakeVendor, groups: number, rttMs: number, workMs: number, rounds: number): Promise<void> {
  const scenario = `bulk paginate ${groups / 1_000_000}M`;
  const pages = Math.ceil(groups / 10_000);
  const minimum = pages * Math.max(rttMs, workMs);
  const work = (): Promise<void> => sleep(workMs);
  const rss = (): number => process.memoryUsage.rss() / 2 ** 20;
  /** Runs a walk while sampling RSS; returns the outcome and the peak growth in MB over the RSS before it. */
  const walk = async (body: () => Promise<number>): Promise<Outcome & { rssMb: number }> => {
    const base = rss();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
    try {
      const seen = await body();
      return { failed: seen === groups ? 0 : 1, lost: groups - seen, rssMb: Math.max(peak, rss()) - base };
    } finally {
      clearInterval(sampler);
    }
  };
  const rssOf = new Map<Outcome, number>();
  const variants = [
    ...builds.map((build) => ({
      label: build.label,
      run: async (): Promise<Outcome> => {
        // The document's 1/s for getAppGroups would make this job ≥ 99 s whatever the client does; the job measures
        // read-ahead, so both the fake's and the client's limit are off.
        const client = build.create(vendor.url, { rateLimit: false });
        const result = await walk(async () => {
          let seen = 0;
          for await (const page of client.paginate('getAppGroups', { Limit: 10_000, Next: 0 })) {
            seen += page.GroupIdList?.length ?? 0;
            await work();
          }
          return seen;
        });
        rssOf.set(result, result.rssMb);
        return result;
      },
    })),
    ...[true, false].map((working) => ({
      // Without the consumer's work, the loop is the floor of any cursor walk: each page's cursor comes in the reply
      // before it, so one request is in flight and a page costs a round trip plus the server's and the wire's time.
      label: working ? 'raw fetch, sequential loop' : 'raw fetch, sequential loop without consumer work (the floor)',
      run: async (): Promise<Outcome> => {
        const result = await walk(async () => {
          let seen = 0;
          let next = '0';
          for (;;) {
            // Next is a 64-bit cursor: sent back with every digit, as the raw text of the number.
            const reply = await rawCall(vendor.url, GROUPS_PATH, `{"Limit":10000,"Next":${next}}`);
            if (!reply) return seen;
            seen += (reply['GroupIdList'] as unknown[]).length;
            if (working) await work();
            const raw = String(reply['Next']);
            if (raw === '0') return seen;
            next = raw;
          }
        });
        rssOf.set(result, result.rssMb);
        return result;
      },
    })),
  ];
  log(`${scenario}: one warm-up walk per variant`);
  for (const variant of variants) await variant.run();
  const results = await runRounds(scenario, vendor, variants, rounds);
  rows.push({ scenario, measure: `theoretical minimum: ${pages} pages × max(RTT ${rttMs} ms, work ${workMs} ms)`, summary: summarize([minimum]), unit: 'ms' });
  pushRows(rows, scenario, results, [
    { name: 'wall time', unit: 'ms', of: (s) => s.wallMs, target: { op: '<=', value: 1.1 * minimum }, targetFor: 'this client' },
    { name: 'groups lost', unit: 'calls', of: (s) => s.outcome.lost, target: { op: '<=', value: 0 }, targetFor: 'this client' },
    { name: 'RSS growth (peak, in process)', unit: 'MB', of: (s) => rssOf.get(s.outcome) ?? Number.NaN, target: { op: '<=', value: 64 }, targetFor: 'this client' },
  ]);
}

export async function bulk(rows: Row[]): Promise<void> {
  const rounds = setting('BENCH_BULK_ROUNDS', 3, 1);
  const longRounds = setting('BENCH_BULK_LONG_ROUNDS', 2, 1);
  const sequentialRounds = setting('BENCH_BULK_SEQUENTIAL_ROUNDS', 1, 1);
  const accounts = [setting('BENCH_BULK_ACCOUNTS', 20_000, 5_000), setting('BENCH_BULK_ACCOUNTS_LARGE', 40_000, 10_000)];
  const rtts = [50, 150];
  const burstCalls = setting('BENCH_BULK_CALLS', 2_000, 800);
  const sharedEach = setting('BENCH_BULK_SHARED_CALLS', 2_000, 800);
  const groups = setting('BENCH_BULK_GROUPS', 1_000_000, 200_000);
  const jitter = setting('BENCH_BULK_JITTER_MS', 5, 5);
  const jobs = (process.env['BENCH_BULK_JOBS'] ?? 'friends,limit,shared,paginate').split(',').map((job) => job.trim());
  const builds = await loadBuilds();
  rawUserSig = await thisClient.genUserSig({ ...FAKE_APP, expireSeconds: 86_400 });
  const friendIds = Array.from({ length: Math.max(...accounts) }, (_, i) => `friend_${i + 1}`);

  for (const rtt of jobs.includes('friends') ? rtts : []) {
    const vendor = await spawnFakeVendorServer({ args: ['--rtt', String(rtt), '--jitter', String(jitter), '--friends', String(Math.max(...accounts)), '--groups', '10'] });
    try {
      for (const count of accounts) await friendsJob(rows, builds, vendor, friendIds, count, rtt, count === accounts[0] ? rounds : longRounds, count === accounts[0] ? sequentialRounds : 0);
    } finally {
      await vendor.stop();
    }
  }
  if (jobs.includes('limit')) {
    const vendor = await spawnFakeVendorServer({ args: ['--rtt', '50', '--jitter', String(jitter), '--rate-limit', '100', '--friends', '10', '--groups', '10'] });
    try {
      await lowerLimitJob(rows, builds, vendor, burstCalls, longRounds);
    } finally {
      await vendor.stop();
    }
  }
  if (jobs.includes('shared')) {
    const vendor = await spawnFakeVendorServer({ args: ['--rtt', '50', '--jitter', String(jitter), '--friends', '10', '--groups', '10'] });
    try {
      await sharedQuotaJob(rows, builds, vendor, sharedEach, longRounds);
    } finally {
      await vendor.stop();
    }
  }
  if (jobs.includes('paginate')) {
    const vendor = await spawnFakeVendorServer({ args: ['--rtt', '50', '--jitter', String(jitter), '--rate-limit', 'getAppGroups=null', '--friends', '10', '--groups', String(groups)] });
    try {
      await paginateJob(rows, builds, vendor, groups, 50, 30, rounds);
    } finally {
      await vendor.stop();
    }
  }
}
