--[[
settle: charge what a request really cost to the windows it was reserved in, and drop its hold.

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" → lease expiry (ms)
  KEYS[3] spent_day      string int, µUSD settled in the hold's day    <p>:{t:<team>}:spent:d:<YYYY-MM-DD>
  KEYS[4] spent_month    string int, µUSD settled in the hold's month  <p>:{t:<team>}:spent:m:<YYYY-MM>
  ARGV[1] member         the hold's member in holds
  ARGV[2] amount         µUSD the hold holds (the amount written in the member)
  ARGV[3] charge         µUSD to charge, ≥ 0; clamped to the held amount
  ARGV[4] daily_limit    µUSD
  ARGV[5] monthly_limit  µUSD, or -1 when the team has no monthly limit
Output:
  {settled, charged, remaining}  settled = 1 when this call dropped the hold, 0 when it was already settled,
                                 released or expired; charged = µUSD charged by this call; remaining = µUSD still
                                 reservable in the tightest window (≥ 0)
Invariant: a hold is charged at most once, and never more than it held, so spent + held never grows here.

Cost (ARCHITECTURE.md §2): 5 commands (EVALSHA, ZREM, DECRBY, two INCRBY); a counter's EXPIRE is set when INCRBY
creates it (once per window), and remaining comes from the values INCRBY and DECRBY return. Only a hold already
gone reads the keys (MGET). Images are not counted here: the ledger sums them in memory and flushes them each
second (ARCHITECTURE.md §7).
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local spent_day_key = KEYS[3]
local spent_month_key = KEYS[4]
local member = ARGV[1]
local amount = tonumber(ARGV[2])
local charge = tonumber(ARGV[3])
local daily_limit = tonumber(ARGV[4])
local monthly_limit = tonumber(ARGV[5])

local DAY_TTL_S = 40 * 86400
local MONTH_TTL_S = 400 * 86400

local function int(n) return string.format('%d', n) end
-- Sets the TTL only when INCRBY created the key (its value is then the increment): once per window, not per call.
local function add(key, n, ttl_s)
  local value = redis.call('INCRBY', key, int(n))
  if value == n then
    redis.call('EXPIRE', key, ttl_s)
  end
  return value
end

local function remaining(held, spent_day, spent_month)
  local left = daily_limit - spent_day - held
  if monthly_limit >= 0 then
    left = math.min(left, monthly_limit - spent_month - held)
  end
  return math.max(0, left)
end

if redis.call('ZREM', holds_key, member) == 0 then
  local values = redis.call('MGET', held_key, spent_day_key, spent_month_key)
  return {0, 0, remaining(tonumber(values[1] or '0'), tonumber(values[2] or '0'), tonumber(values[3] or '0'))}
end
local charged = math.min(charge, amount)
local held = redis.call('DECRBY', held_key, int(amount))
local spent_day = add(spent_day_key, charged, DAY_TTL_S)
local spent_month = add(spent_month_key, charged, MONTH_TTL_S)
return {1, charged, remaining(held, spent_day, spent_month)}
