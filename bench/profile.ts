// Drives one scenario variant for a CPU profile, against the same loopback server as bench/run.ts:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts <variant> [calls=20000] [concurrency=64]
//   node bench/summarize-profile.mjs /tmp/prof/*.cpuprofile
// variants: a (raw fetch), at (raw fetch + AbortSignal.timeout), b (client.api.POST), c (client.getFriendLists),
// paginate (client.paginate, `calls` walks), hand-paginate (fetch loop), chunk (getSpecifiedFriends, 10,000 accounts).
// BENCH_CLIENT_B=/path/to/src/index.ts profiles another build of the client instead of ../src.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as mainClient from '../src/index.js';
import { startServer, timedBatch } from './lib.js';
import { IDENTIFIER, JSON_HEADERS, SDK_APP_ID, SECRET_KEY, checkEnvelope, clientPaginate, fail, handPaginate, handUrl } from './walk.js';

const [variant = 'c', callsArg, concurrencyArg] = process.argv.slice(2);
const isPaged = variant === 'paginate' || variant === 'hand-paginate' || variant === 'chunk';
const calls = Number(callsArg ?? (isPaged ? 5 : 20_000));
const concurrency = Number(concurrencyArg ?? 64);
const module = (process.env['BENCH_CLIENT_B']
  ? await import(pathToFileURL(path.resolve(process.env['BENCH_CLIENT_B'])).href)
  : mainClient) as typeof mainClient;

const server = await startServer({});
try {
  const { baseUrl } = server;
  const client = module.createChatClient({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, baseUrl, rateLimit: false });
  const userSig = await mainClient.genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 86_400 });
  const body = { From_Account: 'id' };
  const apiPath = '/v4/sns/group_get';
  const toAccount = Array.from({ length: 10_000 }, (_, i) => `user_${i}`);
  const calls1: Record<string, () => Promise<void>> = {
    a: async () => {
      const res = await fetch(handUrl(baseUrl, apiPath, userSig), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
      checkEnvelope(JSON.parse(await res.text()));
    },
    at: async () => {
      const res = await fetch(handUrl(baseUrl, apiPath, userSig), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      checkEnvelope(JSON.parse(await res.text()));
    },
    b: async () => checkEnvelope((await client.api.POST(apiPath, { body })).data),
    c: async () => checkEnvelope(await client.getFriendLists(body)),
    paginate: async () => void ((await clientPaginate(client, server.pageSize)) === server.total || fail('wrong count')),
    'hand-paginate': async () => void ((await handPaginate(baseUrl, server.pageSize, userSig)) === server.total || fail('wrong count')),
    chunk: async () => {
      const reply = await client.getSpecifiedFriends({ From_Account: IDENTIFIER, To_Account: toAccount, TagList: ['Tag_SNS_IM_Remark'] });
      if (reply.InfoItem?.length !== toAccount.length) fail('wrong merge');
    },
  };
  const call = calls1[variant] ?? fail(`unknown variant ${variant}`);
  const c = isPaged ? 1 : concurrency;
  await timedBatch(call, isPaged ? 1 : 1000, c);
  const cpu0 = process.cpuUsage();
  const ms = await timedBatch(call, calls, c);
  const cpu = process.cpuUsage(cpu0);
  const stats = await server.stats();
  console.log(`${variant}: ${calls} × at concurrency ${c}: ${ms.toFixed(0)} ms, ${(calls / (ms / 1000)).toFixed(0)}/s, client CPU ${((cpu.user + cpu.system) / calls).toFixed(1)} µs per call`);
  console.log(`server: ${stats.requests} requests, ${stats.chunkedBodies} with chunked bodies, ${stats.connections} connections`);
} finally {
  server.close();
}
