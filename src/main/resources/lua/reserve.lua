--[[
reserve: hold a request's worst-case cost against its team's daily and monthly budget.

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, hold member → lease expiry (ms since epoch, Redis TIME); the member is
                         "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" (self-describing)
  KEYS[3] spent_day      string int, µUSD settled in the request's day    <p>:{t:<team>}:spent:d:<YYYY-MM-DD>
  KEYS[4] spent_month    string int, µUSD settled in the request's month  <p>:{t:<team>}:spent:m:<YYYY-MM>
  ARGV[1] member         the hold's member, as above; a retried reserve with the same member holds nothing more
  ARGV[2] amount         µUSD to hold, ≥ 0 (the amount written in the member)
  ARGV[3] daily_limit    µUSD
  ARGV[4] monthly_limit  µUSD, or -1 when the team has no monthly limit
  ARGV[5] lease_ms       ms until an unsettled hold expires and is charged in full
  ARGV[6] now_ms         Redis TIME in ms as this replica sees it (redis.RedisClock), or -1: then read TIME here
Output:
  {1, remaining}                          admitted; remaining = µUSD still reservable in the tightest window
  {0, "day"|"month", remaining, expired}  refused by that window; remaining = µUSD it had left (≥ 0);
                                          expired = 1 when the team has holds whose lease ran out (the caller
                                          reclaims them with hold_reclaim.lua and tries once more), else 0
Invariant: after every admission, spent(window) + held ≤ limit for the day and (when set) the month.

Cost (ARCHITECTURE.md §2): an admission executes 4 commands (EVALSHA, MGET, ZADD NX, INCRBY); TIME only when
now_ms is -1. Expired holds are never reclaimed here: a refusal looks for one (ZRANGEBYSCORE ... LIMIT 0 1) and
the ledger runs hold_reclaim.lua, the one copy of the reclaim rule; a background reaper runs it too.

A script that reads TIME and then writes needs effects replication: the default since Redis 5 (the servers here
run 7.x); older ones would need redis.replicate_commands().
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local spent_day_key = KEYS[3]
local spent_month_key = KEYS[4]
local member = ARGV[1]
local amount = tonumber(ARGV[2])
local daily_limit = tonumber(ARGV[3])
local monthly_limit = tonumber(ARGV[4])
local lease_ms = tonumber(ARGV[5])
local now_ms = tonumber(ARGV[6])

local function int(n) return string.format('%d', n) end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
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
  if redis.call('ZSCORE', holds_key, member) then
    return {1, math.max(0, math.min(day_left, month_left))}
  end
  local expired = 0
  if #redis.call('ZRANGEBYSCORE', holds_key, '-inf', int(now_ms), 'LIMIT', 0, 1) > 0 then
    expired = 1
  end
  if refused_by == 'day' then
    return {0, 'day', math.max(0, day_left), expired}
  end
  return {0, 'month', math.max(0, month_left), expired}
end

if redis.call('ZADD', holds_key, 'NX', int(now_ms + lease_ms), member) == 0 then
  return {1, math.max(0, math.min(day_left, month_left))}
end
redis.call('INCRBY', held_key, int(amount))
return {1, math.min(day_left, month_left) - amount}
