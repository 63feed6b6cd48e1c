// `npm run bench`: every scenario of the client's benchmark in one process (the loopback server runs in a forked child
// process; cold-import and peak-RSS figures come from fresh processes), one table on stdout and in bench/RESULTS.md.
// Settings (env): see bench/README.md. BENCH_QUICK=1 runs everything small; BENCH_ONLY=roundtrip,usersig,… picks.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { Bench, type Task } from 'tinybench';
import * as mainClient from '../src/index.js';
import { signingUserSig } from '../src/user-sig-source.js';
import { authQuery } from '../src/auth-query.js';
import {
  isQuick, listSetting, log, pairRatios, quantile, renderTable, roundOrder, setting, single, measuredBatch, startServer, summarize, targetMet, timedBatch,
  type BenchServer, type Row, type Summary,
} from './lib.js';
import { bulk } from './bulk.js';
import { pacerCost } from './pacer-cost.js';
import { currentSections, instances } from './instances.js';
import { IDENTIFIER, JSON_HEADERS, SDK_APP_ID, SECRET_KEY, checkEnvelope, clientPaginate, fail, handPaginate, handUrl } from './walk.js';

type ClientModule = typeof mainClient;
type ChatClient = ReturnType<ClientModule['createChatClient']>;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const require = createRequire(import.meta.url);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const SCENARIOS = ['bulk', 'instances', 'pacer', 'roundtrip', 'limiter', 'usersig', 'paginate', 'chunk', 'footprint'] as const;
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new TypeError(`BENCH_ONLY: unknown scenario ${name} (know ${SCENARIOS.join(', ')})`);
const enabled = (name: (typeof SCENARIOS)[number]): boolean => only.length === 0 || only.includes(name);

// Optional other builds of the client (e.g. prototypes: BENCH_CLIENT_B=/tmp/proto/x/src/index.ts,/tmp/proto/y/src/index.ts),
// each measured pair by pair with this one in the round-trip and pagination scenarios. Named B1, B2, … in the table.
const clientBPaths = (process.env['BENCH_CLIENT_B'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const clientBs: { name: string; path: string; module: ClientModule }[] = [];
for (const [index, file] of clientBPaths.entries()) {
  clientBs.push({ name: `B${index + 1}`, path: file, module: (await import(pathToFileURL(path.resolve(file)).href)) as ClientModule });
}

const rows: Row[] = [];
const notes: string[] = [];

function makeClient(module: ClientModule, baseUrl: string, extra: Partial<Parameters<ClientModule['createChatClient']>[0]> = {}): ChatClient {
  return module.createChatClient({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, baseUrl, ...extra } as Parameters<ClientModule['createChatClient']>[0]);
}

// ---- 1. round trip ----------------------------------------------------------------------------------------------

interface Variant {
  key: string;
  label: string;
  call: () => Promise<void>;
}

async function roundTrip(server: BenchServer): Promise<void> {
  const calls = setting('BENCH_CALLS', 20_000, 1_500);
  const rounds = setting('BENCH_ROUNDS', 10, 3);
  const warmup = setting('BENCH_WARMUP', 1_000, 200);
  const concurrencies = listSetting('BENCH_CONCURRENCY', [1, 64]);
  const perRound = Math.ceil(calls / rounds);
  const { baseUrl } = server;
  const userSig = await mainClient.genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 86_400 });
  const apiPath = '/v4/sns/group_get';
  const body = { From_Account: 'id' };

  const client = makeClient(mainClient, baseUrl, { rateLimit: false });
  // The limiter on but never binding: p-throttle's strict scheduler runs for every call, no call waits.
  const limited = makeClient(mainClient, baseUrl, { rateLimit: 100_000 });
  const variants: Variant[] = [
    {
      key: 'a', label: '(a) raw fetch, bare',
      call: async () => {
        const res = await fetch(handUrl(baseUrl, apiPath, userSig), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
        if (!res.ok) fail(`HTTP ${res.status}`);
        checkEnvelope(JSON.parse(await res.text()));
      },
    },
    {
      key: 'at', label: '(a) raw fetch + AbortSignal.timeout(10000)',
      call: async () => {
        const res = await fetch(handUrl(baseUrl, apiPath, userSig), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        if (!res.ok) fail(`HTTP ${res.status}`);
        checkEnvelope(JSON.parse(await res.text()));
      },
    },
    {
      key: 'b', label: "(b) client.api.POST (openapi-fetch + auth middleware)",
      call: async () => {
        const { data, response } = await client.api.POST(apiPath, { body });
        if (!response.ok) fail(`HTTP ${response.status}`);
        checkEnvelope(data);
      },
    },
    { key: 'c', label: '(c) client.getFriendLists, rateLimit: false', call: async () => checkEnvelope(await client.getFriendLists(body)) },
    { key: "c'", label: "(c') client.getFriendLists, limiter on (100k/s, never binding)", call: async () => checkEnvelope(await limited.getFriendLists(body)) },
  ];
  for (const b of clientBs) {
    const other = makeClient(b.module, baseUrl, { rateLimit: false });
    variants.push({ key: b.name, label: `(c·${b.name}) getFriendLists of ${b.path}, rateLimit: false`, call: async () => checkEnvelope(await other.getFriendLists(body)) });
  }

  let issued = 0;
  server.reset();
  for (const concurrency of concurrencies) {
    log(`round trip, concurrency ${concurrency}: ${variants.length} variants × ${rounds} rounds × ${perRound} calls (+${warmup} warm-up each)`);
    for (const variant of variants) {
      await timedBatch(variant.call, warmup, concurrency);
      issued += warmup;
    }
    const rates = new Map<string, number[]>(variants.map((v) => [v.key, []]));
    const cpu = new Map<string, number[]>(variants.map((v) => [v.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const variant of roundOrder(variants, round)) {
        const { ms, cpuUs } = await measuredBatch(variant.call, perRound, concurrency);
        issued += perRound;
        rates.get(variant.key)?.push(perRound / (ms / 1000));
        cpu.get(variant.key)?.push(cpuUs / perRound);
      }
    }
    const of = (key: string): number[] => rates.get(key) ?? fail(`no rates for ${key}`);
    const scenario = `1 c=${concurrency}`;
    for (const variant of variants) rows.push({ scenario, measure: variant.label, summary: summarize(of(variant.key)), unit: 'calls/s' });
    for (const variant of variants) {
      rows.push({ scenario, measure: `client-process CPU per call, ${variant.key}`, summary: summarize(cpu.get(variant.key) ?? []), unit: 'µs' });
    }
    const ratio = (a: string, b: string, measure: string, target?: number): void => {
      rows.push({ scenario, measure, summary: summarize(pairRatios(of(a), of(b))), unit: '×', target: target === undefined ? undefined : { op: '>=', value: target } });
    };
    // The same comparisons by the client process's CPU time per call (inverse ratio: higher is cheaper), which other
    // load on the machine disturbs much less than calls/s.
    const cpuOf = (key: string): number[] => cpu.get(key) ?? fail(`no CPU figures for ${key}`);
    const cpuRatio = (a: string, b: string, measure: string): void => {
      rows.push({ scenario, measure, summary: summarize(pairRatios(cpuOf(b), cpuOf(a))), unit: '×' });
    };
    ratio('at', 'a', '(a)+timeout / (a) bare — cost of the per-call timeout signal');
    ratio('b', 'a', '(b) / (a) bare');
    ratio('b', 'at', '(b) / (a)+timeout');
    // CPU per call against raw fetch is reported without a target: on a real network it is < 1 % of a call's time;
    // the bulk jobs carry the targets that matter.
    ratio('c', 'a', '(c) / (a) bare');
    ratio('c', 'at', '(c) / (a)+timeout');
    ratio('c', 'b', '(c) / (b) — the method layer over openapi-fetch');
    ratio("c'", 'c', "(c') / (c) — the rate limiter's scheduler, not binding");
    cpuRatio('c', 'a', '(c) / (a) bare, by CPU per call (a µs ÷ c µs)');
    cpuRatio('c', 'at', '(c) / (a)+timeout, by CPU per call');
    cpuRatio('b', 'at', '(b) / (a)+timeout, by CPU per call');
    for (const b of clientBs) {
      ratio(b.name, 'c', `(c·${b.name}) / (c)`);
      ratio(b.name, 'a', `(c·${b.name}) / (a) bare`);
      ratio(b.name, 'at', `(c·${b.name}) / (a)+timeout`);
      cpuRatio(b.name, 'at', `(c·${b.name}) / (a)+timeout, by CPU per call`);
    }
  }
  const stats = await server.stats();
  if (stats.byPath[apiPath] !== issued) fail(`the server saw ${stats.byPath[apiPath]} calls of ${apiPath}, the bench made ${issued}`);
}

// ---- 1'. the rate limiter at its default, below its limit --------------------------------------------------------

interface PacedResult {
  latencies: number[];
  cpuUsPerCall: number;
  rate: number;
}

/** Starts `rate` calls per second for `seconds`, in bursts of `burst` calls, and times each call. */
async function paced(call: () => Promise<void>, rate: number, seconds: number, burst: number): Promise<PacedResult> {
  const bursts = Math.round((rate * seconds) / burst);
  const gap = (1000 * burst) / rate;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  for (let k = 0; k < bursts; k++) {
    const wait = t0 + k * gap - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    last = performance.now();
    for (let i = 0; i < burst; i++) {
      const start = performance.now();
      pending.push(call().then(() => void latencies.push(performance.now() - start)));
    }
  }
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpu0);
  const n = bursts * burst;
  return { latencies, cpuUsPerCall: (cpu.user + cpu.system) / n, rate: bursts > 1 ? ((bursts - 1) * burst) / ((last - t0) / 1000) : NaN };
}

async function limiter(server: BenchServer): Promise<void> {
  const rate = setting('BENCH_PACED_RATE', 150, 150);
  const seconds = setting('BENCH_PACED_SECONDS', 1.5, 0.5);
  const rounds = setting('BENCH_PACED_ROUNDS', 3, 2);
  const body = { From_Account: 'id' };
  // Default options: getFriendLists' documented limit, 200 calls/s, strict spacing.
  const limitedClient = makeClient(mainClient, server.baseUrl);
  const freeClient = makeClient(mainClient, server.baseUrl, { rateLimit: false });
  const variants = [
    { key: 'limited', call: async () => checkEnvelope(await limitedClient.getFriendLists(body)) },
    { key: 'free', call: async () => checkEnvelope(await freeClient.getFriendLists(body)) },
  ];
  for (const v of variants) await timedBatch(v.call, 50, 1);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // let the limiter's window empty
  for (const burst of [1, 4]) {
    log(`limiter at default (200/s), paced ${rate}/s in bursts of ${burst}: ${rounds} rounds × ${seconds} s × 2 clients`);
    const p50 = new Map<string, number[]>([['limited', []], ['free', []]]);
    const p99 = new Map<string, number[]>([['limited', []], ['free', []]]);
    const cpu = new Map<string, number[]>([['limited', []], ['free', []]]);
    const achieved: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const v of roundOrder(variants, round)) {
        const result = await paced(v.call, rate, seconds, burst);
        p50.get(v.key)?.push(quantile(result.latencies, 0.5));
        p99.get(v.key)?.push(quantile(result.latencies, 0.99));
        cpu.get(v.key)?.push(result.cpuUsPerCall);
        if (v.key === 'limited') achieved.push(result.rate);
      }
    }
    const get = (m: Map<string, number[]>, k: string): number[] => m.get(k) ?? fail('missing');
    const scenario = `1' ${rate}/s×${burst}`;
    rows.push({ scenario, measure: `limiter at default: achieved start rate (paced ${rate}/s, bursts of ${burst})`, summary: summarize(achieved), unit: 'calls/s' });
    rows.push({ scenario, measure: 'latency p50, limiter at default', summary: summarize(get(p50, 'limited')), unit: 'ms' });
    rows.push({ scenario, measure: 'latency p50, rateLimit: false', summary: summarize(get(p50, 'free')), unit: 'ms' });
    rows.push({ scenario, measure: 'latency p99, limiter at default', summary: summarize(get(p99, 'limited')), unit: 'ms' });
    rows.push({ scenario, measure: 'latency p99, rateLimit: false', summary: summarize(get(p99, 'free')), unit: 'ms' });
    rows.push({ scenario, measure: 'latency p50 ratio, limiter / no limiter (pairwise)', summary: summarize(pairRatios(get(p50, 'limited'), get(p50, 'free'))), unit: '×' });
    rows.push({ scenario, measure: 'CPU per call, limiter at default', summary: summarize(get(cpu, 'limited')), unit: 'µs' });
    rows.push({ scenario, measure: 'CPU per call, rateLimit: false', summary: summarize(get(cpu, 'free')), unit: 'µs' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
}

// ---- 2. UserSig -------------------------------------------------------------------------------------------------

function perCallNs(task: Task | undefined, batch: number): number {
  const result = task?.result;
  if (!result || result.state !== 'completed') throw new Error(`tinybench task ${task?.name} did not complete (${result?.state}${result && 'error' in result ? `: ${String(result.error)}` : ''})`);
  return (result.latency.mean * 1e6) / batch;
}

async function userSig(): Promise<void> {
  const rounds = setting('BENCH_SIG_ROUNDS', 7, 3);
  const time = setting('BENCH_SIG_TIME_MS', 300, 100);
  const { Api } = require('tls-sig-api-v2') as { Api: new (sdkAppId: number, key: string) => { genSig(identifier: string, expire: number): string } };
  const official = new Api(SDK_APP_ID, SECRET_KEY);
  const options = { sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 86_400 };

  // Same second, same inputs: the two signers must agree byte for byte, or the speed comparison means nothing.
  let compared = false;
  for (let attempt = 0; attempt < 5 && !compared; attempt++) {
    const second = Math.floor(Date.now() / 1000);
    const theirs = official.genSig(IDENTIFIER, 86_400);
    const ours = await mainClient.genUserSig({ ...options, issuedAt: second });
    if (Math.floor(Date.now() / 1000) !== second) continue;
    if (ours !== theirs) fail(`genUserSig and tls-sig-api-v2 disagree:\n${ours}\n${theirs}`);
    compared = true;
  }
  if (!compared) fail('could not compare genUserSig with tls-sig-api-v2 within one second');

  log(`usersig: ${rounds} rounds × 2 tinybench tasks × ${time} ms`);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: 100, throws: true });
    const tasks: [string, () => unknown][] = [
      ['genUserSig', async () => { await mainClient.genUserSig(options); }],
      ['tls-sig-api-v2', () => { official.genSig(IDENTIFIER, 86_400); }],
    ];
    for (const [name, fn] of roundOrder(tasks, round)) bench.add(name, fn);
    await bench.run();
    ours.push(1e9 / perCallNs(bench.getTask('genUserSig'), 1));
    theirs.push(1e9 / perCallNs(bench.getTask('tls-sig-api-v2'), 1));
  }
  rows.push({ scenario: '2 usersig', measure: 'genUserSig (await)', summary: summarize(ours), unit: 'calls/s' });
  rows.push({ scenario: '2 usersig', measure: 'tls-sig-api-v2 Api#genSig', summary: summarize(theirs), unit: 'calls/s' });
  rows.push({ scenario: '2 usersig', measure: 'genUserSig / tls-sig-api-v2 (pairwise)', summary: summarize(pairRatios(ours, theirs)), unit: '×', target: { op: '>=', value: 1.0 } });

  // The cached path: what every call of a secretKey client pays for its usersig.
  const source = signingUserSig({ ...options, lifetimeSeconds: 86_400, renewAfter: 0.75, now: Date.now });
  await source.current();
  const batch = 1_000;
  const cached: number[] = [];
  const awaited: number[] = [];
  const query: number[] = [];
  const queryFor = authQuery({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER });
  const nextQuery = async (): Promise<string> => queryFor(await source.current());
  let sink: unknown;
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: 100, throws: true });
    bench.add('current()', () => {
      for (let i = 0; i < batch; i++) sink = source.current();
    });
    bench.add('await current()', async () => {
      for (let i = 0; i < batch; i++) sink = await source.current();
    });
    bench.add('authQuery()', async () => {
      for (let i = 0; i < batch; i++) sink = await nextQuery();
    });
    await bench.run();
    cached.push(perCallNs(bench.getTask('current()'), batch));
    awaited.push(perCallNs(bench.getTask('await current()'), batch));
    query.push(perCallNs(bench.getTask('authQuery()'), batch));
  }
  if (typeof sink !== 'string' && !(sink instanceof Promise)) fail('cached usersig source returned nothing');
  rows.push({ scenario: '2 usersig', measure: 'cached path: signingUserSig().current() per call', summary: summarize(cached), unit: 'ns', target: { op: '<=', value: 1000 } });
  rows.push({ scenario: '2 usersig', measure: 'cached path awaited: await current() per call', summary: summarize(awaited), unit: 'ns' });
  rows.push({ scenario: '2 usersig', measure: 'auth middleware query string: await authQuery() per call', summary: summarize(query), unit: 'ns' });
}

// ---- 3. pagination ----------------------------------------------------------------------------------------------

/** Peak RSS growth of one pagination, in a fresh process (bench/paginate-rss.ts), in MB. */
function rssRun(server: BenchServer, variant: 'client' | 'hand'): Promise<{ mb: number; seen: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, 'paginate-rss.ts'), variant], {
      cwd: root,
      env: { ...process.env, BENCH_BASE_URL: server.baseUrl, BENCH_PAGE_SIZE: String(server.pageSize) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`paginate-rss ${variant} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as { mb: number; seen: number });
      } catch (error) {
        reject(new Error(`paginate-rss ${variant} printed no result: ${out}`, { cause: error }));
      }
    });
  });
}

async function pagination(server: BenchServer): Promise<void> {
  const rounds = setting('BENCH_PAGE_ROUNDS', 5, 2);
  const rssRuns = setting('BENCH_RSS_RUNS', 3, 1);
  const userSig = await mainClient.genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 86_400 });
  // The document's 1 call/s for getAppGroups would make each walk ≥ 99 s: this scenario measures the walk's CPU.
  const client = makeClient(mainClient, server.baseUrl, { rateLimit: false });
  const variants: { key: string; label: string; run: () => Promise<number> }[] = [
    { key: 'client', label: "client.paginate('getAppGroups'), rateLimit: false", run: () => clientPaginate(client, server.pageSize) },
    { key: 'hand', label: 'hand-written fetch loop', run: () => handPaginate(server.baseUrl, server.pageSize, userSig) },
  ];
  for (const b of clientBs) {
    const other = makeClient(b.module, server.baseUrl, { rateLimit: false });
    variants.push({ key: b.name, label: `paginate of ${b.name}`, run: () => clientPaginate(other, server.pageSize) });
  }
  log(`pagination: ${server.total.toLocaleString('en-US')} ids in ${server.pageCount} pages, ${rounds} rounds × ${variants.length} variants, then ${rssRuns} fresh-process RSS runs each`);
  for (const v of variants) if ((await v.run()) !== server.total) fail(`${v.label} saw the wrong number of ids`);
  const ms = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const v of roundOrder(variants, round)) {
      gc();
      const t0 = performance.now();
      const seen = await v.run();
      const elapsed = performance.now() - t0;
      if (seen !== server.total) fail(`${v.label} saw ${seen} ids, expected ${server.total}`);
      ms.get(v.key)?.push(elapsed);
    }
  }
  const of = (key: string): number[] => ms.get(key) ?? fail('missing');
  const scenario = '3 paginate';
  for (const v of variants) {
    rows.push({ scenario, measure: `${v.label}: wall time for ${server.total.toLocaleString('en-US')} ids`, summary: summarize(of(v.key)), unit: 'ms' });
    rows.push({ scenario, measure: `${v.label}: pages (calls) per second`, summary: summarize(of(v.key).map((t) => server.pageCount / (t / 1000))), unit: 'calls/s' });
  }
  // At 0 ms round trip this is CPU per page; the bulk paginate job (50 ms, consumer work) carries the target.
  rows.push({ scenario, measure: 'client / hand loop, throughput (pairwise)', summary: summarize(pairRatios(of('hand'), of('client'))), unit: '×' });
  for (const b of clientBs) {
    rows.push({ scenario, measure: `${b.name} / hand loop, throughput (pairwise)`, summary: summarize(pairRatios(of('hand'), of(b.name))), unit: '×' });
  }

  const rss = new Map<string, number[]>([['client', []], ['hand', []]]);
  for (let run = 0; run < rssRuns; run++) {
    for (const variant of roundOrder(['client', 'hand'] as const, run)) {
      const result = await rssRun(server, variant);
      if (result.seen !== server.total) fail(`paginate-rss ${variant} saw ${result.seen} ids`);
      rss.get(variant)?.push(result.mb);
    }
  }
  rows.push({ scenario, measure: 'client: peak RSS growth during the walk (fresh process)', summary: summarize(rss.get('client') ?? []), unit: 'MB', target: { op: '<=', value: 64 } });
  rows.push({ scenario, measure: 'hand loop: peak RSS growth during the walk (fresh process)', summary: summarize(rss.get('hand') ?? []), unit: 'MB' });
}

// ---- 4. chunking ------------------------------------------------------------------------------------------------

async function chunking(server: BenchServer): Promise<void> {
  const accounts = setting('BENCH_CHUNK_ACCOUNTS', 10_000, 2_000);
  const rounds = setting('BENCH_CHUNK_ROUNDS', 7, 3);
  const toAccount = Array.from({ length: accounts }, (_, i) => `user_${i}`);
  const body = { From_Account: IDENTIFIER, To_Account: toAccount, TagList: ['Tag_SNS_IM_Remark' as const] };
  // rateLimit: false in both: 100 calls per round against a 200/s limit would throttle the later rounds.
  const parallel = makeClient(mainClient, server.baseUrl, { rateLimit: false });
  const sequential = makeClient(mainClient, server.baseUrl, { rateLimit: false, chunkConcurrency: 1 });
  const expectedChunks = Math.ceil(accounts / 100);
  const run = async (client: ChatClient): Promise<void> => {
    const reply = await client.getSpecifiedFriends(body);
    const items = reply.InfoItem ?? fail('no InfoItem');
    if (items.length !== accounts) fail(`merged InfoItem has ${items.length} items, expected ${accounts}`);
    for (let i = 0; i < accounts; i++) if (items[i]?.To_Account !== toAccount[i]) fail(`InfoItem ${i} is ${items[i]?.To_Account}, expected ${toAccount[i]}`);
  };
  const variants = [
    { key: 'parallel', client: parallel },
    { key: 'sequential', client: sequential },
    ...clientBs.map((b) => ({ key: b.name, client: makeClient(b.module, server.baseUrl, { rateLimit: false }) })),
  ];
  log(`chunking: ${accounts} To_Account (${expectedChunks} chunks), ${rounds} rounds × ${variants.length} variants`);
  server.reset();
  for (const v of variants) await run(v.client);
  const stats = await server.stats();
  if (stats.byPath['/v4/sns/friend_get_list'] !== variants.length * expectedChunks) fail(`the server saw ${stats.byPath['/v4/sns/friend_get_list']} chunk calls, expected ${variants.length * expectedChunks}`);
  const ms = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const v of roundOrder(variants, round)) {
      const t0 = performance.now();
      await run(v.client);
      ms.get(v.key)?.push(performance.now() - t0);
    }
  }
  const p = ms.get('parallel') ?? [];
  const s = ms.get('sequential') ?? [];
  const scenario = '4 chunk';
  rows.push({ scenario, measure: `getSpecifiedFriends, ${accounts} To_Account in ${expectedChunks} chunks, default chunkConcurrency (no rate limit: up to its cap of 64 at once)`, summary: summarize(p), unit: 'ms' });
  rows.push({ scenario, measure: 'same with chunkConcurrency: 1', summary: summarize(s), unit: 'ms' });
  rows.push({ scenario, measure: 'speed-up of the default over sequential chunks (pairwise)', summary: summarize(pairRatios(s, p)), unit: '×' });
  for (const b of clientBs) {
    const other = ms.get(b.name) ?? [];
    rows.push({ scenario, measure: `${b.name}, default chunkConcurrency`, summary: summarize(other), unit: 'ms' });
    rows.push({ scenario, measure: `${b.name} speed-up over this client's default (pairwise)`, summary: summarize(pairRatios(p, other)), unit: '×' });
  }
}

// ---- 5. footprint -----------------------------------------------------------------------------------------------

function probeImport(file: string): Promise<{ importMs: number; createMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'import-probe.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`import-probe exited with ${code}`));
      resolve(JSON.parse(out) as { importMs: number; createMs: number });
    });
  });
}

const GROUPS: { name: string; match: (input: string) => boolean; external: RegExp }[] = [
  { name: 'generated/validators.ts (Ajv standalone)', match: (p) => p === 'generated/validators.ts', external: /validators\.js$/ },
  { name: 'openapi-fetch', match: (p) => p.includes('node_modules/openapi-fetch/'), external: /^openapi-fetch$/ },
  { name: 'lossless-json', match: (p) => p.includes('node_modules/lossless-json/'), external: /^lossless-json$/ },
  { name: 'generated/api-facts.ts', match: (p) => p === 'generated/api-facts.ts', external: /api-facts\.js$/ },
  { name: 'src/*.ts (the client itself)', match: (p) => p.startsWith('src/'), external: /^$/ },
];

async function sizeOf(external?: RegExp): Promise<{ min: number; gz: number; inputs: Record<string, number> }> {
  const plugins: esbuild.Plugin[] = external
    ? [{ name: 'externalize', setup: (build) => build.onResolve({ filter: external }, (args) => ({ path: args.path, external: true })) }]
    : [];
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src/index.ts')], absWorkingDir: root, bundle: true, minify: true, platform: 'neutral', format: 'esm',
    mainFields: ['module', 'main'], write: false, metafile: true, logLevel: 'error', plugins,
  });
  const file = result.outputFiles[0] ?? fail('esbuild produced no output');
  const output = Object.values(result.metafile.outputs)[0] ?? fail('no metafile output');
  const inputs = Object.fromEntries(Object.entries(output.inputs).map(([input, info]) => [input, info.bytesInOutput]));
  return { min: file.contents.length, gz: zlib.gzipSync(file.contents, { level: 9 }).length, inputs };
}

async function footprint(): Promise<void> {
  const runs = setting('BENCH_IMPORT_RUNS', 20, 5);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tim-bench-'));
  try {
    const bundle = path.join(dir, 'tim-rest-client.mjs');
    const empty = path.join(dir, 'empty.mjs');
    await esbuild.build({ entryPoints: [path.join(root, 'src/index.ts')], absWorkingDir: root, bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error' });
    // The baseline's createChatClient only touches globalThis.Request, which makes Node load its bundled undici: the
    // client's first createChatClient pays that load too (openapi-fetch reads globalThis.Request), as would a first fetch.
    writeFileSync(empty, 'export const createChatClient = () => globalThis.Request;\n');
    log(`footprint: ${runs} cold imports of the bundled entry (and of an empty module), in fresh node processes`);
    await probeImport(bundle); // the first one pays the disk cache
    const importMs: number[] = [];
    const createMs: number[] = [];
    const emptyMs: number[] = [];
    const undiciMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const probe = await probeImport(bundle);
      importMs.push(probe.importMs);
      createMs.push(probe.createMs);
      const baseline = await probeImport(empty);
      emptyMs.push(baseline.importMs);
      undiciMs.push(baseline.createMs);
    }
    const scenario = '5 footprint';
    rows.push({ scenario, measure: 'cold import of the entry (esbuild bundle of src/index.ts, deps included), fresh node', summary: summarize(importMs), unit: 'ms' });
    rows.push({ scenario, measure: 'cold import of an empty module (baseline, same probe)', summary: summarize(emptyMs), unit: 'ms' });
    rows.push({ scenario, measure: 'first createChatClient() after the import', summary: summarize(createMs), unit: 'ms' });
    rows.push({ scenario, measure: "baseline: first touch of globalThis.Request (Node loads its undici; any first fetch pays it)", summary: summarize(undiciMs), unit: 'ms' });

    const full = await sizeOf();
    rows.push({ scenario, measure: 'client bundle, minified (esbuild, neutral, esm, all deps)', summary: single(full.min), unit: 'B' });
    rows.push({ scenario, measure: 'client bundle, minified + gzip -9', summary: single(full.gz), unit: 'B' });
    for (const group of GROUPS) {
      const bytes = Object.entries(full.inputs).filter(([input]) => group.match(input)).reduce((sum, [, n]) => sum + n, 0);
      const share = (100 * bytes) / full.min;
      let note = `${share.toFixed(1)}% of the minified bundle`;
      if (group.external.source !== '^$') {
        const without = await sizeOf(group.external);
        note += `; gzip bytes it adds: ${(full.gz - without.gz).toLocaleString('en-US')} (${((100 * (full.gz - without.gz)) / full.gz).toFixed(1)}%)`;
      }
      rows.push({ scenario, measure: `minified bytes of ${group.name}`, summary: single(bytes), unit: 'B', note });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main -------------------------------------------------------------------------------------------------------

function cpuModel(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`;
}

function settingsLine(): string {
  const keys = Object.keys(process.env).filter((k) => k.startsWith('BENCH_')).sort();
  return keys.length ? keys.map((k) => `${k}=${process.env[k]}`).join(' ') : '(defaults)';
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const needsServer = enabled('roundtrip') || enabled('limiter') || enabled('paginate') || enabled('chunk');
  const server = needsServer
    ? await startServer({ BENCH_PAGE_SIZE: String(setting('BENCH_PAGE_SIZE', 10_000, 10_000)), BENCH_PAGES: String(setting('BENCH_PAGES', 100, 20)) })
    : undefined;
  try {
    if (server) log(`loopback server (child process ${server.baseUrl}) ready`);
    if (enabled('bulk')) await bulk(rows);
    if (enabled('instances')) await instances();
    if (enabled('pacer')) pacerCost(rows, gc);
    if (server && enabled('roundtrip')) await roundTrip(server);
    if (server && enabled('limiter')) await limiter(server);
    if (enabled('usersig')) await userSig();
    if (server && enabled('paginate')) await pagination(server);
    if (server && enabled('chunk')) await chunking(server);
    if (enabled('footprint')) await footprint();
  } finally {
    server?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const table = renderTable(rows);
  const missed = rows.filter((row) => targetMet(row) === false);
  const header = [
    '# Benchmark results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version} (${process.platform}/${process.arch}), V8 ${process.versions.v8}, undici ${process.versions['undici'] ?? '?'}`,
    `- CPU: ${cpuModel()}; ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    `- Settings: ${settingsLine()}${isQuick ? ' (quick run: small counts, not for comparison)' : ''}${clientBs.map((b) => `; ${b.name} = ${b.path}`).join('')}`,
    `- Run time: ${seconds.toFixed(0)} s`,
    `- Machine load (1-minute load average, ${os.cpus().length} cores): ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end — other work shared the machine`,
    '',
    'The bulk jobs (scenarios "bulk …", first) run against the fake vendor of tim-rest-client/testing as a loopback',
    'server in its own process: latency with jitter, a handshake delay on each new connection, a sliding 1 s window per',
    'path counted at arrival answering 60007. "client before (main)" is the client before the pacer (a checkout of',
    'main, BENCH_BEFORE); the raw-fetch rows are hand-written callers. Targets are checked on "this client" only.',
    '',
    'Figures are the median of the rounds with their min and max (n = rounds). Every ratio is taken pair by pair: the two',
    'variants run back to back in the same round of the same process (A B, then B A in the next round), and the table',
    "shows the median of the per-round ratios. The loopback server is a keep-alive node:http server in a forked child",
    "process (its own event loop and core). Scenario 1 uses /v4/sns/group_get's canned envelope; (a) is fetch with a",
    'hand-built URL and a fixed usersig, (b) openapi-fetch through the auth middleware, (c) the method (validation,',
    'cached signing, envelope check, retries armed). See bench/README.md.',
    '',
    table,
    '',
    missed.length ? `Targets missed: ${missed.length} (${missed.map((row) => `${row.scenario}: ${row.measure}`).join('; ')}).` : 'All targets met.',
    '',
  ].join('\n');
  process.stdout.write(`\n${table}\n\n${missed.length ? `targets missed: ${missed.length}` : 'all targets met'}; ${seconds.toFixed(0)} s\n`);
  // A partial or quick run is for checking, not comparing: it leaves the committed full run in RESULTS.md alone.
  const partial = only.length > 0 || process.env['BENCH_QUICK'] === '1';
  // A run of the instances scenario alone has no row for this table: BENCH_WRITE=1 there writes its own section only.
  if (rows.length > 0 && (!partial || process.env['BENCH_WRITE'] === '1')) {
    // The instances scenario keeps its own sections (its tables have a column per measure); they stay below the rest.
    const kept = currentSections();
    writeFileSync(process.env['BENCH_OUT'] ?? path.join(here, 'RESULTS.md'), kept ? `${header}\n${kept}\n` : header);
    log(`wrote ${process.env['BENCH_OUT'] ?? 'bench/RESULTS.md'}`);
  } else if (rows.length === 0) {
    log('no scenario of the main table ran: its part of bench/RESULTS.md left as it was');
  } else {
    log('BENCH_ONLY or BENCH_QUICK given: bench/RESULTS.md left as it was (BENCH_WRITE=1 to write it anyway)');
  }
  if (process.env['BENCH_STRICT'] === '1' && missed.length) process.exitCode = 2;
}

try {
  await main();
} catch (error) {
  console.error('\n[bench] FAILED:', error);
  process.exit(1);
}
