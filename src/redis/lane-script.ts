// The shared lane: one Lua script that Redis runs atomically for every take and every report of every instance, so
// all instances of an app space their sends on one schedule, kept on the Redis server's own clock (TIME): machines
// whose clocks disagree still agree on it. It is the in-process pacer's algorithm (src/quota/pacer.ts) on shared state:
// GCRA spacing with a small burst, and AIMD — a refusal from any instance lowers the one rate at most once per window,
// to 0.9 × what the server accepted from all instances in the last window (×0.8 while the lane has no such measure),
// voids the slots booked before it (an instance reads the lane's last decrease before it sends on a slot it slept
// for) and holds permits until the server's window has room, then spaces them without a burst; each accepted answer
// raises the rate by 5% of the ceiling per second of sends. What the server accepted in a window it refused is the app's
// limit as far as the lane knows: it is kept a day apart from the lane (the `:learned` key), so the next job starts
// just below it rather than paying for the discovery again, and above 0.9 × it the rate only probes (a fifth of the
// usual recovery) — a climb past the real limit costs every send already booked when the refusal comes.
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
local probe = tonumber(ARGV[11])
local learnedTtl = tonumber(ARGV[12])
local startShare = tonumber(ARGV[13])
local activeMs = tonumber(ARGV[14])
-- Lua's tostring keeps 14 digits, too few for a ms clock: numbers are stored with fixed decimals.
local function num(x) return string.format('%.4f', x) end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'rate', 'tat', 'held', 'lastdec', 'first', 'idx', 'cur', 'curfirst', 'prev', 'prevfirst', 'grants', 'resume')
-- What the server was last seen to allow the app (accepted in the window it refused), kept apart and much longer
-- than the lane: a new lane (a job after a pause) starts just below it instead of finding it again by refusals.
local cap = tonumber(redis.call('GET', KEYS[3]))
local rate = tonumber(s[1])
-- The rate to go to at the lane's first accepted answer; until then it sends at the start share of it: the first
-- round trip's requests open new connections and reach the server a handshake late, on top of the next ones.
local resume = tonumber(s[12])
if rate == nil then
  rate = ceiling
  if cap ~= nil then rate = math.max(floor, cap * settle) end
  rate = math.min(ceiling, rate)
  if startShare < 1 then
    resume = rate
    rate = math.max(floor, rate * startShare)
  end
end
rate = math.min(ceiling, rate)
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
local capChanged = false
local active = 0
if op == 'take' then
  local interval = 1000 / rate
  local slot = math.max(now, held, tat - (burst - 1) * interval)
  tat = math.max(tat, slot) + interval
  wait = slot - now
  if first == nil then first = slot end
  grants = grants + 1
  -- An instance counts while it holds a slot, and activeMs after its last one: one asleep on a slot booked ahead
  -- (after a hold) is still sending, and one whose job ended leaves the count within activeMs, not windows later.
  redis.call('ZADD', KEYS[2], slot, instance)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - activeMs)
  active = redis.call('ZCARD', KEYS[2])
elseif op == 'accepted' then
  cur = cur + 1
  if cur == 1 then curfirst = now end
  if resume ~= nil then
    rate = math.max(rate, math.min(ceiling, resume))
    resume = nil
  end
  if rate < ceiling then
    local step = recovery / rate
    -- Above what the server accepted at the last refusal (× settle), the lane only probes; a rate it reaches without
    -- a refusal is one the server allows.
    if cap ~= nil and rate >= cap * settle then step = step * probe end
    rate = math.min(ceiling, rate + step)
    if cap ~= nil and rate > cap then
      cap = rate
      capChanged = true
    end
  end
elseif op == 'refused' then
  -- A refusal before the first accepted answer sets a rate of its own: the start share is not undone.
  resume = nil
  -- The answers to every send of the last window arrive together: they are one signal, not many.
  if now - lastdec >= window then
    lastdec = now
    -- The last window's accepted answers: this fixed window's, and the part of the previous one's still inside it,
    -- taken as spread evenly from the first of them to the window's end (not over the whole window: a lane that
    -- started in it has no answers before its start).
    local boundary = idx * window
    local overlap = 0
    if prev > 0 then
      local span = boundary - prevfirst
      if span <= 0 then overlap = 1 else overlap = math.max(0, math.min(1, (boundary - math.max(now - window, prevfirst)) / span)) end
    end
    local got = cur + prev * overlap
    -- Within its first window a lane has a measure of what the server allows only once it has sent for half a window
    -- and the server accepted at least half of what it granted (it started into a window with room and was refused
    -- once the room was used up; grants are all the lane's takes, and they all fall in that window). One refused
    -- sooner, or whose sends were mostly refused, started into a window something else had filled: it backs off
    -- multiplicatively.
    if first ~= nil and (now - first >= window or (now - first >= window / 2 and got * 2 >= grants)) then
      -- What the server accepted in the window it refused is what it allows the app: the lane settles just below it
      -- (or below its own rate, when the server was filled by sends from outside the lane), and remembers it.
      rate = math.max(floor, math.min(rate, got) * settle)
      cap = got
      capChanged = true
    else
      rate = math.max(floor, rate * decrease)
    end
    -- The server's window stays full until the oldest send it accepted leaves it.
    local oldest = now
    if prev > 0 and overlap > 0 then oldest = math.max(prevfirst, now - window) elseif cur > 0 then oldest = curfirst end
    held = math.max(held, oldest + window)
    -- Slots booked before the decrease are given up: each instance books them again (it learns of the decrease from
    -- the next answer it gets, or checks before it sends), after the hold and at the new rate, so the schedule
    -- restarts from the hold, evenly spaced: the window is full then, and room comes back one send at a time, so a
    -- burst there would be refused.
    tat = math.max(held, now) + (burst - 1) * 1000 / rate
  end
else
  return redis.error_reply('unknown op ' .. tostring(op))
end
local firstField = ''
if first ~= nil then firstField = num(first) end
redis.call('HSET', KEYS[1], 'rate', string.format('%.9f', rate), 'tat', num(tat), 'held', num(held), 'lastdec', num(lastdec),
  'first', firstField, 'idx', idx, 'cur', cur, 'curfirst', num(curfirst), 'prev', prev, 'prevfirst', num(prevfirst), 'grants', grants,
  'resume', resume == nil and '' or string.format('%.9f', resume))
if capChanged then redis.call('SET', KEYS[3], num(cap), 'PX', learnedTtl) end
-- Nothing outlives its use: an idle lane is forgotten once its last reserved slot is ttl behind.
local keep = math.ceil(math.max(0, tat - now) + ttl)
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('PEXPIRE', KEYS[2], keep)
return { num(wait), string.format('%.9f', rate), active, num(now), num(lastdec) }
`;

const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** The part of a Redis client the script needs (ioredis's `evalsha` and `eval`). */
export interface ScriptClient {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** The part of a Redis client that reads one field of a lane's state (ioredis's `hget`). */
export interface FieldClient {
  hget(key: string, field: string): Promise<string | null>;
}

/**
 * When a refusal last lowered the lane's rate, on the Redis server's clock, as the script stores it (-Infinity when
 * the lane has none): one read, for an instance that slept for its slot and heard no answer of the lane meanwhile.
 */
export async function readLastDecrease(client: FieldClient, keys: LaneKeys): Promise<number> {
  const value = await client.hget(keys[0], 'lastdec');
  return value === null || value === '' ? -Infinity : Number(value);
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
  /** The share of recoveryPerSecond the rate regains above settle × what the server accepted at the last refusal. */
  probeShare: number;
  /** How long the limit the lane learned from a refusal is kept after it was last confirmed, in ms. */
  learnedTtlMs: number;
  /** The share of its rate a new lane grants until the first accepted answer (1: none held back). */
  startShare: number;
  /** How long after its last slot an instance still counts as one of the lane's active instances, in ms. */
  activeMs: number;
  minCallsPerSecond: number;
}

export type LaneOp = 'take' | 'accepted' | 'refused';

export type LaneKeys = [state: string, instances: string, learned: string];

export interface LaneAnswer {
  /** Ms until the slot a take reserved (0 for reports). */
  waitMs: number;
  /** The lane's rate after the operation, in calls per second, for all instances together. */
  rate: number;
  /** Instances holding a slot of the lane, or whose last slot is at most activeMs old (takes only; 0 for reports). */
  active: number;
  /** The Redis server's clock when it ran the operation, in ms. */
  serverNow: number;
  /** When a refusal last lowered the lane's rate, on the server's clock (-1e18 if never): slots booked before are void. */
  decreasedAt: number;
}

/** The keys of one lane (its state, its instances, the limit it learned): a hash tag keeps them in one Redis Cluster slot. */
export function laneKeys(prefix: string, laneKey: string): LaneKeys {
  const base = `${prefix}{${laneKey}}`;
  return [base, `${base}:instances`, `${base}:learned`];
}

/** Runs the lane script: EVALSHA, and EVAL when the server does not have the script cached (NOSCRIPT). */
export async function runLaneScript(client: ScriptClient, keys: LaneKeys, op: LaneOp, settings: LaneSettings, instance: string): Promise<LaneAnswer> {
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
    settings.probeShare,
    settings.learnedTtlMs,
    settings.startShare,
    settings.activeMs,
  ];
  let reply: unknown;
  try {
    reply = await client.evalsha(SHA, 3, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    reply = await client.eval(SCRIPT, 3, ...args);
  }
  if (!Array.isArray(reply) || reply.length !== 5) throw new Error(`lane script: unexpected reply ${JSON.stringify(reply)}`);
  const [wait, rate, active, serverNow, decreasedAt] = reply as [string, string, number, string, string];
  return { waitMs: Number(wait), rate: Number(rate), active: Number(active), serverNow: Number(serverNow), decreasedAt: Number(decreasedAt) };
}
