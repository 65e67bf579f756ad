--[[
settle: charge what a request really cost to the windows it was reserved in, and drop its hold.

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, hold id → lease expiry (ms)
  KEYS[3] holds_amt      hash, hold id → "<amount µUSD>|<spent_day key>|<spent_month key>"
  KEYS[4] spent_day      string int, µUSD settled in the hold's day    <p>:{t:<team>}:spent:d:<YYYY-MM-DD>
  KEYS[5] spent_month    string int, µUSD settled in the hold's month  <p>:{t:<team>}:spent:m:<YYYY-MM>
  KEYS[6] images_day     string int, images settled in the hold's day
  KEYS[7] images_month   string int, images settled in the hold's month
  ARGV[1] hold_id
  ARGV[2] charge         µUSD to charge, ≥ 0; clamped to the held amount
  ARGV[3] images         images returned, ≥ 0
  ARGV[4] daily_limit    µUSD
  ARGV[5] monthly_limit  µUSD, or -1 when the team has no monthly limit
Output:
  {charged, remaining}   charged = µUSD charged by this call (0 when the hold was already settled, released or
                         expired); remaining = µUSD still reservable in the tightest window (≥ 0)
Invariant: a hold is charged at most once, and never more than it held, so spent + held never grows here.
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local holds_amt_key = KEYS[3]
local spent_day_key = KEYS[4]
local spent_month_key = KEYS[5]
local images_day_key = KEYS[6]
local images_month_key = KEYS[7]
local hold_id = ARGV[1]
local charge = tonumber(ARGV[2])
local images = tonumber(ARGV[3])
local daily_limit = tonumber(ARGV[4])
local monthly_limit = tonumber(ARGV[5])

local DAY_TTL_S = 40 * 86400
local MONTH_TTL_S = 400 * 86400

local function int(n) return string.format('%d', n) end
local function read(key) return tonumber(redis.call('GET', key) or '0') end
local function add(key, n, ttl_s)
  redis.call('INCRBY', key, int(n))
  redis.call('EXPIRE', key, ttl_s)
end

local charged = 0
local entry = redis.call('HGET', holds_amt_key, hold_id)
if entry then
  local amount = tonumber(string.match(entry, '^(%d+)|'))
  charged = math.min(charge, amount)
  redis.call('DECRBY', held_key, int(amount))
  add(spent_day_key, charged, DAY_TTL_S)
  add(spent_month_key, charged, MONTH_TTL_S)
  add(images_day_key, images, DAY_TTL_S)
  add(images_month_key, images, MONTH_TTL_S)
  redis.call('HDEL', holds_amt_key, hold_id)
  redis.call('ZREM', holds_key, hold_id)
end

local held = read(held_key)
local remaining = daily_limit - read(spent_day_key) - held
if monthly_limit >= 0 then
  remaining = math.min(remaining, monthly_limit - read(spent_month_key) - held)
end
return {charged, math.max(0, remaining)}
