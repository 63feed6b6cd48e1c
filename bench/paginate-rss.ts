// One walk over the paged getAppGroups in a fresh process, sampling the resident set size, for bench/run.ts's
// peak-RSS figure (a process that already ran other scenarios has a grown heap and would under-report).
// Usage: node --expose-gc --import tsx bench/paginate-rss.ts client|hand   (BENCH_BASE_URL, BENCH_PAGE_SIZE set)
import { createChatClient, genUserSig } from '../src/index.js';
import { IDENTIFIER, SDK_APP_ID, SECRET_KEY, clientPaginate, handPaginate, handUrl, checkEnvelope, fail } from './walk.js';

const variant = process.argv[2];
const baseUrl = process.env['BENCH_BASE_URL'] ?? fail('BENCH_BASE_URL is not set');
const pageSize = Number(process.env['BENCH_PAGE_SIZE'] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const userSig = await genUserSig({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, expireSeconds: 86_400 });
// The document's 1 call/s for getAppGroups would make each walk ≥ 99 s; this measures memory, not the limit.
const client = createChatClient({ sdkAppId: SDK_APP_ID, identifier: IDENTIFIER, secretKey: SECRET_KEY, baseUrl, rateLimit: false });
// Open the connection and load the code paths before the baseline, so the figure is the walk's own growth.
checkEnvelope(await client.getFriendLists({ From_Account: 'id' }));
const warm = await fetch(handUrl(baseUrl, '/v4/sns/group_get', userSig), { method: 'POST', body: '{}' });
checkEnvelope((await warm.json()) as { ErrorCode?: unknown; ActionStatus?: unknown });
gc();
gc();

const baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = (): void => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};
const timer = setInterval(sample, 2);
let seen: number;
if (variant === 'client') seen = await clientPaginate(client, pageSize, sample);
else if (variant === 'hand') seen = await handPaginate(baseUrl, pageSize, userSig, sample);
else fail(`unknown variant ${variant}`);
clearInterval(timer);
sample();
process.stdout.write(`${JSON.stringify({ mb: (peak - baseline) / 2 ** 20, seen })}\n`);
