--[[
rate_limit: admit or refuse one request against up to two GCRA buckets (a client key's and its team's).

Input:
  KEYS[1] tat_a         string int, theoretical arrival time of bucket a (µs since epoch)  <p>:{t:<team>}:rate:<a>
  KEYS[2] tat_b         string int, the same for bucket b (may equal KEYS[1] when ARGV[3] is 0)
  ARGV[1] interval_a_us µs between requests at bucket a's sustained rate (60e6 / perMinute), > 0
  ARGV[2] burst_a       requests bucket a admits at once, ≥ 1
  ARGV[3] interval_b_us µs for bucket b, or 0 when the request has only bucket a
  ARGV[4] burst_b       requests bucket b admits at once (ignored when ARGV[3] is 0)
Output:
  {admitted 1|0, limit, remaining, retry_after_us, reset_us}: limit and remaining belong to the bucket with the
  fewest requests left; retry_after_us is 0 when admitted; reset_us is when that bucket is full again.
Invariant: a bucket's tat never runs more than burst·interval ahead of Redis TIME, and a refused request
writes nothing, so no bucket ever admits more than burst + elapsed/interval requests.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local tat_a_key = KEYS[1]
local tat_b_key = KEYS[2]
local interval_a = tonumber(ARGV[1])
local burst_a = tonumber(ARGV[2])
local interval_b = tonumber(ARGV[3])
local burst_b = tonumber(ARGV[4])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local buckets = { { key = tat_a_key, interval = interval_a, burst = burst_a } }
if interval_b > 0 then
  table.insert(buckets, { key = tat_b_key, interval = interval_b, burst = burst_b })
end

local retry_after = 0
for _, b in ipairs(buckets) do
  b.tat = math.max(tonumber(redis.call('GET', b.key) or '0'), now)
  b.next = b.tat + b.interval
  retry_after = math.max(retry_after, b.next - now - b.interval * b.burst)
end
local admitted = retry_after <= 0

local limit, fewest, reset = 0, -1, 0
for _, b in ipairs(buckets) do
  local after = b.tat
  if admitted then after = b.next end
  local left = math.max(0, math.floor((b.interval * b.burst - (after - now)) / b.interval))
  if fewest < 0 or left < fewest then
    fewest, limit, reset = left, b.burst, math.max(0, after - now)
  end
end

if not admitted then
  return { 0, limit, fewest, string.format('%d', retry_after), string.format('%d', reset) }
end
for _, b in ipairs(buckets) do
  local ttl_ms = math.floor((b.next - now) / 1000) + 1
  redis.call('SET', b.key, string.format('%d', b.next), 'PX', ttl_ms)
end
return { 1, limit, fewest, 0, string.format('%d', reset) }
