--[[
reserve: the team's request-rate limit (GCRA, up to two buckets) and then the hold of a request's worst-case cost
against its team's daily and monthly budget, in one script on the team's slot (ARCHITECTURE.md §2 step 10).

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, hold member → lease expiry (ms since epoch, Redis TIME); the member is
                         "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" (self-describing)
  KEYS[3] spent_day      string int, µUSD settled in the request's day    <p>:{t:<team>}:spent:d:<YYYY-MM-DD>
  KEYS[4] spent_month    string int, µUSD settled in the request's month  <p>:{t:<team>}:spent:m:<YYYY-MM>
  KEYS[5] tat_a          string int, GCRA theoretical arrival time (µs) of bucket a  <p>:{t:<team>}:rate:<a>;
                         only when ARGV[7] ≥ 1
  KEYS[6] tat_b          the same for bucket b; only when ARGV[7] is 2
  ARGV[1] member         the hold's member, as above; a retried reserve with the same member holds nothing more
  ARGV[2] amount         µUSD to hold, ≥ 0 (the amount written in the member)
  ARGV[3] daily_limit    µUSD
  ARGV[4] monthly_limit  µUSD, or -1 when the team has no monthly limit
  ARGV[5] lease_ms       ms until an unsettled hold expires and is charged in full
  ARGV[6] now_ms         Redis TIME in ms as this replica sees it (redis.RedisClock), or -1: then read TIME here
  ARGV[7] buckets        0, 1 or 2: how many rate buckets to check first (0: no rate limit, KEYS 5-6 absent)
  ARGV[8] interval_a_us  µs between requests at bucket a's sustained rate (60e6 / perMinute), > 0
  ARGV[9] burst_a        requests bucket a admits at once, ≥ 1
  ARGV[10] interval_b_us µs for bucket b (when ARGV[7] is 2)
  ARGV[11] burst_b       requests bucket b admits at once (when ARGV[7] is 2)
Output:
  {1, remaining, rate...}                          admitted; remaining = µUSD still reservable in the tightest
                                                   window
  {0, "day"|"month", remaining, expired, spent_day, spent_month, held, rate...}
                                                   refused by that window; remaining = µUSD it had left (≥ 0);
                                                   expired = 1 when the team has holds whose lease ran out (the
                                                   caller reclaims them with hold_reclaim.lua and tries once
                                                   more, without buckets: the token is spent), else 0;
                                                   spent_day, spent_month, held = the values read (the
                                                   caller's floor for refusing locally, budget.SpentFloors)
  {2, rate...}                                     refused by the rate limit: nothing written, nothing held
  rate... (only when ARGV[7] ≥ 1) = limit, remaining, retry_after_us, reset_us, tat_a, tat_b: limit and remaining
  belong to the bucket with the fewest requests left; retry_after_us is 0 unless refused by rate; reset_us is
  when that bucket is full again; the tats are those now stored (tat_b is 0 without bucket b).
Invariant: after every admission, spent(window) + held ≤ limit for the day and (when set) the month; a bucket's
tat never runs more than burst·interval ahead of now and a rate refusal writes nothing, so no bucket admits more
than burst + elapsed/interval requests (the arithmetic of rate_limit.lua). A budget refusal spends the token.

Cost (ARCHITECTURE.md §2): an admission executes 4 commands (EVALSHA, MGET, ZADD NX, INCRBY), and one SET … PX
per rate bucket; TIME only when now_ms is -1. Expired holds are never reclaimed here: a refusal looks for one (ZRANGEBYSCORE ... LIMIT 0 1) and
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
local bucket_count = tonumber(ARGV[7] or '0')
local rate_keys = { KEYS[5], KEYS[6] }
local rate_args = {
  { interval = tonumber(ARGV[8] or '0'), burst = tonumber(ARGV[9] or '0') },
  { interval = tonumber(ARGV[10] or '0'), burst = tonumber(ARGV[11] or '0') },
}

local function int(n) return string.format('%d', n) end

local now_us
if now_ms < 0 then
  local time = redis.call('TIME')
  now_us = tonumber(time[1]) * 1000000 + tonumber(time[2])
  now_ms = math.floor(now_us / 1000)
else
  now_us = now_ms * 1000
end

local mget_keys = { held_key, spent_day_key, spent_month_key }
for i = 1, bucket_count do
  table.insert(mget_keys, rate_keys[i])
end
local values = redis.call('MGET', unpack(mget_keys))

-- The rate limit first (GCRA, as in rate_limit.lua): refused, nothing is written.
local rate = {}
if bucket_count > 0 then
  local buckets = {}
  local retry_after = 0
  for i = 1, bucket_count do
    local b = { key = rate_keys[i], interval = rate_args[i].interval, burst = rate_args[i].burst }
    b.tat = math.max(tonumber(values[3 + i] or '0'), now_us)
    b.next = b.tat + b.interval
    retry_after = math.max(retry_after, b.next - now_us - b.interval * b.burst)
    buckets[i] = b
  end
  local admitted = retry_after <= 0
  local limit, fewest, reset = 0, -1, 0
  local tats = { 0, 0 }
  for i, b in ipairs(buckets) do
    local after = b.tat
    if admitted then after = b.next end
    local left = math.max(0, math.floor((b.interval * b.burst - (after - now_us)) / b.interval))
    if fewest < 0 or left < fewest then
      fewest, limit, reset = left, b.burst, math.max(0, after - now_us)
    end
    if admitted then tats[i] = b.next else tats[i] = tonumber(values[3 + i] or '0') end
  end
  if not admitted then
    return { 2, limit, fewest, int(retry_after), int(reset), int(tats[1]), int(tats[2]) }
  end
  for _, b in ipairs(buckets) do
    redis.call('SET', b.key, int(b.next), 'PX', math.floor((b.next - now_us) / 1000) + 1)
  end
  rate = { limit, fewest, 0, int(reset), int(tats[1]), int(tats[2]) }
end

local function answer(reply)
  for _, v in ipairs(rate) do
    table.insert(reply, v)
  end
  return reply
end

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
    return answer({1, math.max(0, math.min(day_left, month_left))})
  end
  local expired = 0
  if #redis.call('ZRANGEBYSCORE', holds_key, '-inf', int(now_ms), 'LIMIT', 0, 1) > 0 then
    expired = 1
  end
  local spent_day, spent_month = int(tonumber(values[2] or '0')), int(tonumber(values[3] or '0'))
  if refused_by == 'day' then
    return answer({0, 'day', math.max(0, day_left), expired, spent_day, spent_month, int(held)})
  end
  return answer({0, 'month', math.max(0, month_left), expired, spent_day, spent_month, int(held)})
end

if redis.call('ZADD', holds_key, 'NX', int(now_ms + lease_ms), member) == 0 then
  return answer({1, math.max(0, math.min(day_left, month_left))})
end
redis.call('INCRBY', held_key, int(amount))
return answer({1, math.min(day_left, month_left) - amount})
