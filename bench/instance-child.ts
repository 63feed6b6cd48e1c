// One instance of an app for the `instances` bench: its own process with its own client, driven over IPC. On each
// {type: 'run'} it makes one split call (getSpecifiedFriends of `accounts` friends) with a fresh client on the quota
// asked for (or, for `before`, the client of BENCH_BEFORE with its defaults), and answers {type: 'done'} with its own
// time, outcome and round trips. With BENCH_INSTANCES_KEEP=1 the client and its quota are kept for the next run of
// the same quota, server and count of instances: a long-lived service's later jobs, not a fresh process's first.
import { createChatClient } from '../src/index.js';
import { createRedisQuota, type RedisQuota } from '../src/redis/index.js';
import { FAKE_APP } from '../src/testing/vendor.js';

export interface RunMessage {
  type: 'run';
  id: number;
  baseUrl: string;
  accounts: number;
  /**
   * `redis`: the shared quota; `local`: the client's default; `share`: the default told how many instances run;
   * `before`: the client at BENCH_BEFORE (an earlier checkout's src/index.ts), with its default.
   */
  quota: 'redis' | 'local' | 'share' | 'before';
  instances: number;
  redisUrl: string;
  prefix: string;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  durationMs: number;
  failed: number;
  lost: number;
  /** Times the Redis quota fell back to its in-process pacer, and why (each reason once). */
  fallbacks: number;
  reasons: string[];
  /** Each attempt's time from send to the end of its reply (hooks.onReply), in ms. */
  roundTrips: number[];
}

const send = (message: unknown): void => void process.send?.(message);

/** The earlier client's factory, loaded once from BENCH_BEFORE (its options are a subset of this client's). */
let before: Promise<typeof createChatClient> | undefined;
function beforeClient(): Promise<typeof createChatClient> {
  const entry = process.env['BENCH_BEFORE'];
  if (!entry) throw new Error('quota "before" needs BENCH_BEFORE (an earlier checkout\'s src/index.ts)');
  before ??= import(entry).then((module: { createChatClient: typeof createChatClient }) => module.createChatClient);
  return before;
}

type Client = ReturnType<typeof createChatClient>;
/** What one run reports of its client's hooks: a kept client's hooks write to the run in progress. */
interface Tally {
  fallbacks: number;
  reasons: Set<string>;
  roundTrips: number[];
}
/** BENCH_INSTANCES_KEEP=1: clients (and their quotas) kept from case to case, as a long-lived service keeps them. */
const kept = new Map<string, { client: Client; quota: RedisQuota | undefined; tally: { current: Tally } }>();

async function open(message: RunMessage, tally: { current: Tally }): Promise<{ client: Client; quota: RedisQuota | undefined }> {
  let quota: RedisQuota | undefined;
  if (message.quota === 'redis') {
    quota = createRedisQuota({ url: message.redisUrl, prefix: message.prefix, instances: message.instances, onStateChange: (change) => {
        if (change.state !== 'local') return;
        tally.current.fallbacks++;
        tally.current.reasons.add(String(change.error));
      },
    });
  }
  const extra = quota ? { quota } : message.quota === 'share' ? { instances: message.instances } : {};
  // `quota` and `instances` are the client's options for a shared quota (the cast keeps this file compiling on a
  // client whose options type does not list them yet).
  const create = message.quota === 'before' ? await beforeClient() : createChatClient;
  // Round trips far above the server's RTT mean calls queued on this machine (its cores busy), not at the server.
  const hooks = { onReply: (event: { durationMs: number }) => void tally.current.roundTrips.push(event.durationMs) };
  const client = create({ ...FAKE_APP, baseUrl: message.baseUrl, ...extra, hooks } as Parameters<typeof createChatClient>[0]);
  return { client, quota };
}

async function run(message: RunMessage): Promise<DoneMessage> {
  const to = Array.from({ length: message.accounts }, (_, i) => `friend_${i + 1}`);
  const tally: Tally = { fallbacks: 0, reasons: new Set(), roundTrips: [] };
  const keep = process.env['BENCH_INSTANCES_KEEP'] === '1';
  const keyOf = `${message.quota}|${message.baseUrl}|${message.prefix}|${message.instances}`;
  let entry = keep ? kept.get(keyOf) : undefined;
  if (entry) entry.tally.current = tally;
  else {
    const holder = { current: tally };
    entry = { ...(await open(message, holder)), tally: holder };
    if (keep) kept.set(keyOf, entry);
  }
  const { client, quota } = entry;
  const started = performance.now();
  let failed = 0;
  let lost = 0;
  try {
    const reply = await client.getSpecifiedFriends({ From_Account: 'user0', To_Account: to, TagList: ['Tag_Profile_IM_Nick'] });
    const got = reply.InfoItem ?? [];
    lost = to.length - got.length;
    if (got.some((item, i) => item.To_Account !== to[i])) throw new Error('wrong merged InfoItem');
  } catch (error) {
    if (error instanceof Error && error.message === 'wrong merged InfoItem') throw error;
    // A failed call is a finding: say why on the bench's stderr (the client's messages never hold the usersig).
    // Read by shape: the client at BENCH_BEFORE has its own error class.
    const { code, attempts, chunk } = (error ?? {}) as { code?: unknown; attempts?: unknown; chunk?: { index: number } };
    const detail = `(code ${String(code)}, ${String(attempts)} attempts, chunk ${chunk ? chunk.index + 1 : '-'})`;
    console.error(`[bench] instance ${message.id}: the call failed: ${error instanceof Error ? error.message : String(error)} ${detail}`);
    failed = 1;
    lost = to.length;
  }
  const durationMs = performance.now() - started;
  if (!keep) await quota?.close();
  return { type: 'done', id: message.id, durationMs, failed, lost, fallbacks: tally.fallbacks, reasons: [...tally.reasons], roundTrips: tally.roundTrips };
}

process.on('message', (message: RunMessage) => {
  if (message.type !== 'run') return;
  run(message).then(send, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
process.on('disconnect', () => {
  void Promise.all([...kept.values()].map((entry) => entry.quota?.close())).finally(() => process.exit(0));
});
send({ type: 'ready' });
