// The shared lane: one Lua script that Redis runs atomically for every take and every report of every instance, so
// all instances of an app space their sends on one schedule, kept on the Redis server's own clock (TIME): machines
// whose clocks disagree still agree on it. It is the in-process pacer's algorithm (src/quota/pacer.ts) on shared state:
// GCRA spacing with a small burst, and AIMD — a refusal from any instance lowers the one rate (×0.8, at most once per
// window, and at once to 0.9 × what the server accepted from all instances in the last window) and holds permits until
// the server's window has room; each accepted answer raises it by 5% of the ceiling per second of sends.
//
// A take reserves its slot at once (GCRA advances the theoretical arrival time) and answers how long to wait for it:
// one round trip per permit, and instances are served in the order they asked, whatever their clocks. The price is
// a slot wasted when a caller gives up while it waits; the waits are short (callers size their concurrency from the
// rate), so few are.
import { createHash } from 'node:crypto';

const SCRIPT = `
local op = ARGV[1]
local ceiling = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local decrease = tonumber(ARGV[6])
local settle = tonumber(ARGV[7])
local recovery = tonumber(ARGV[8])
local floor = math.min(ceiling, tonumber(ARGV[9]))
local instance = ARGV[10]
-- Lua's tostring keeps 14 digits, too few for a ms clock: numbers are stored with fixed decimals.
local function num(x) return string.format('%.4f', x) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'rate', 'tat', 'held', 'lastdec', 'first', 'idx', 'cur', 'curfirst', 'prev', 'prevfirst', 'grants')
local rate = math.min(ceiling, tonumber(s[1]) or ceiling)
local tat = tonumber(s[2]) or 0
local held = tonumber(s[3]) or 0
local lastdec = tonumber(s[4]) or -1e18
local first = tonumber(s[5])
-- Accepted answers are counted in fixed windows (this one and the last): the last sliding window's count is the
-- current count plus the part of the previous one still inside it.
local idx = math.floor(now / window)
local cur, curfirst, prev, prevfirst = tonumber(s[7]) or 0, tonumber(s[8]) or now, tonumber(s[9]) or 0, tonumber(s[10]) or now
local stored = tonumber(s[6])
if stored ~= idx then
  if stored == idx - 1 then prev, prevfirst = cur, curfirst else prev, prevfirst = 0, now end
  cur, curfirst = 0, now
end
local grants = tonumber(s[11]) or 0
local wait = 0
local active = 0
if op == 'take' then
  local interval = 1000 / rate
  local slot = math.max(now, held, tat - (burst - 1) * interval)
  tat = math.max(tat, slot) + interval
  wait = slot - now
  if first == nil then first = slot end
  grants = grants + 1
  redis.call('ZADD', KEYS[2], now, instance)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 2 * window)
  active = redis.call('ZCARD', KEYS[2])
elseif op == 'accepted' then
  cur = cur + 1
  if cur == 1 then curfirst = now end
  if rate < ceiling then rate = math.min(ceiling, rate + recovery / rate) end
elseif op == 'refused' then
  -- The answers to every send of the last window arrive together: they are one signal, not many.
  if now - lastdec >= window then
    lastdec = now
    local overlap = 1 - (now - idx * window) / window
    local allowed = math.huge
    -- A lane that has not been sending for a whole window has no measure of what the server allows it yet.
    if first ~= nil and now - first >= window then allowed = (cur + prev * overlap) * settle end
    rate = math.max(floor, math.min(rate * decrease, allowed))
    -- The server's window stays full until the oldest send it accepted leaves it.
    local oldest = now
    if prev > 0 and overlap > 0 then oldest = math.max(prevfirst, now - window) elseif cur > 0 then oldest = curfirst end
    held = math.max(held, oldest + window)
  end
else
  return redis.error_reply('unknown op ' .. tostring(op))
end
local firstField = ''
if first ~= nil then firstField = num(first) end
redis.call('HSET', KEYS[1], 'rate', string.format('%.9f', rate), 'tat', num(tat), 'held', num(held), 'lastdec', num(lastdec),
  'first', firstField, 'idx', idx, 'cur', cur, 'curfirst', num(curfirst), 'prev', prev, 'prevfirst', num(prevfirst), 'grants', grants)
-- Nothing outlives its use: an idle lane is forgotten once its last reserved slot is ttl behind.
local keep = math.ceil(math.max(0, tat - now) + ttl)
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('PEXPIRE', KEYS[2], keep)
return { num(wait), string.format('%.9f', rate), active, num(now) }
`;

const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** The part of a Redis client the script needs (ioredis's `evalsha` and `eval`). */
export interface ScriptClient {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface LaneSettings {
  /** The highest rate granted to all instances together, in calls per second. */
  callsPerSecond: number;
  /** Sends that may go back to back after a quiet spell. */
  burst: number;
  /** The server's counting window in ms. */
  windowMs: number;
  /** How long an idle lane's state is kept after its last reserved slot, in ms. */
  ttlMs: number;
  decrease: number;
  settle: number;
  recoveryPerSecond: number;
  minCallsPerSecond: number;
}

export type LaneOp = 'take' | 'accepted' | 'refused';

export interface LaneAnswer {
  /** Ms until the slot a take reserved (0 for reports). */
  waitMs: number;
  /** The lane's rate after the operation, in calls per second, for all instances together. */
  rate: number;
  /** Instances that took a permit on the lane in the last two windows (takes only; 0 for reports). */
  active: number;
  /** The Redis server's clock when it ran the operation, in ms. */
  serverNow: number;
}

/** The keys of one lane: a hash tag keeps both in one slot of a Redis Cluster. */
export function laneKeys(prefix: string, laneKey: string): [string, string] {
  const base = `${prefix}{${laneKey}}`;
  return [base, `${base}:instances`];
}

/** Runs the lane script: EVALSHA, and EVAL when the server does not have the script cached (NOSCRIPT). */
export async function runLaneScript(client: ScriptClient, keys: [string, string], op: LaneOp, settings: LaneSettings, instance: string): Promise<LaneAnswer> {
  const args = [
    ...keys,
    op,
    settings.callsPerSecond,
    settings.burst,
    settings.windowMs,
    settings.ttlMs,
    settings.decrease,
    settings.settle,
    settings.recoveryPerSecond,
    settings.minCallsPerSecond,
    instance,
  ];
  let reply: unknown;
  try {
    reply = await client.evalsha(SHA, 2, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    reply = await client.eval(SCRIPT, 2, ...args);
  }
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`lane script: unexpected reply ${JSON.stringify(reply)}`);
  const [wait, rate, active, serverNow] = reply as [string, string, number, string];
  return { waitMs: Number(wait), rate: Number(rate), active: Number(active), serverNow: Number(serverNow) };
}
