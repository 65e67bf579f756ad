--[[
reserve: hold a request's worst-case cost against its team's daily and monthly budget.

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, hold id → lease expiry (ms since epoch, Redis TIME)
  KEYS[3] holds_amt      hash, hold id → "<amount µUSD>|<spent_day key>|<spent_month key>"
  KEYS[4] spent_day      string int, µUSD settled in the request's day    <p>:{t:<team>}:spent:d:<YYYY-MM-DD>
  KEYS[5] spent_month    string int, µUSD settled in the request's month  <p>:{t:<team>}:spent:m:<YYYY-MM>
  KEYS[6] holds_expired  string int, count of holds charged because their lease ran out
  ARGV[1] hold_id        caller-made UUID; a retried reserve with the same id holds nothing more
  ARGV[2] amount         µUSD to hold, ≥ 0
  ARGV[3] daily_limit    µUSD
  ARGV[4] monthly_limit  µUSD, or -1 when the team has no monthly limit
  ARGV[5] lease_ms       ms until an unsettled hold expires and is charged in full
Output:
  {1, remaining}                   admitted; remaining = µUSD still reservable in the tightest window
  {0, "day"|"month", remaining}    refused by that window; remaining = µUSD it had left (≥ 0)
Invariant: after every admission, spent(window) + held ≤ limit for the day and (when set) the month.

Expired holds are charged to the spent keys recorded with them (their own windows). Those keys are not in
KEYS but carry the same {t:<team>} hash tag, so they live in this script's cluster slot. At most RECLAIM_MAX
expired holds are charged per call (ZRANGEBYSCORE ... LIMIT), so a reservation never pays for a scan; holds still
expired stay counted in held (never an overspend) until a later call reclaims them.

Cost (ARCHITECTURE.md §2): an admission executes 7 commands (EVALSHA, TIME, ZRANGEBYSCORE, MGET, HSETNX, ZADD,
INCRBY); the idempotency check (HEXISTS) runs only on a refusal.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local holds_amt_key = KEYS[3]
local spent_day_key = KEYS[4]
local spent_month_key = KEYS[5]
local holds_expired_key = KEYS[6]
local hold_id = ARGV[1]
local amount = tonumber(ARGV[2])
local daily_limit = tonumber(ARGV[3])
local monthly_limit = tonumber(ARGV[4])
local lease_ms = tonumber(ARGV[5])

local DAY_TTL_S = 40 * 86400
local MONTH_TTL_S = 400 * 86400

local function int(n) return string.format('%d', n) end

local RECLAIM_MAX = 16

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- A hold whose lease ran out belongs to a dead or stuck replica: charge it in full (never under-count).
local expired = redis.call('ZRANGEBYSCORE', holds_key, '-inf', int(now_ms), 'LIMIT', 0, RECLAIM_MAX)
for _, expired_id in ipairs(expired) do
  local entry = redis.call('HGET', holds_amt_key, expired_id)
  if entry then
    local expired_amount, its_day_key, its_month_key = string.match(entry, '^(%d+)|([^|]+)|([^|]+)$')
    redis.call('INCRBY', its_day_key, expired_amount)
    redis.call('EXPIRE', its_day_key, DAY_TTL_S)
    redis.call('INCRBY', its_month_key, expired_amount)
    redis.call('EXPIRE', its_month_key, MONTH_TTL_S)
    redis.call('DECRBY', held_key, expired_amount)
    redis.call('INCR', holds_expired_key)
    redis.call('HDEL', holds_amt_key, expired_id)
  end
  redis.call('ZREM', holds_key, expired_id)
end

local values = redis.call('MGET', held_key, spent_day_key, spent_month_key)
local held = tonumber(values[1] or '0')
local day_left = daily_limit - tonumber(values[2] or '0') - held
local month_left = day_left
if monthly_limit >= 0 then
  month_left = monthly_limit - tonumber(values[3] or '0') - held
end

local refused_by = nil
if amount > day_left then
  refused_by = 'day'
elseif amount > month_left then
  refused_by = 'month'
end
if refused_by then
  -- A retried reserve of a hold already taken is admitted: its amount is in held already.
  if redis.call('HEXISTS', holds_amt_key, hold_id) == 1 then
    return {1, math.max(0, math.min(day_left, month_left))}
  end
  if refused_by == 'day' then
    return {0, 'day', math.max(0, day_left)}
  end
  return {0, 'month', math.max(0, month_left)}
end

local entry = int(amount) .. '|' .. spent_day_key .. '|' .. spent_month_key
if redis.call('HSETNX', holds_amt_key, hold_id, entry) == 0 then
  return {1, math.max(0, math.min(day_left, month_left))}
end
redis.call('ZADD', holds_key, int(now_ms + lease_ms), hold_id)
redis.call('INCRBY', held_key, int(amount))
return {1, math.min(day_left, month_left) - amount}
