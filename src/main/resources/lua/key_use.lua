--[[
key_use: add one flush of a client key's requests (and errors) to its hourly buckets, and set its last use.

Input:
  KEYS[1] requests_hour  string int, requests of the key in one hour      <p>:{k:<key id>}:req:<epoch hour>
  KEYS[2] errors_hour    string int, answers ≥ 400 of the key in that hour <p>:{k:<key id>}:err:<epoch hour>
  KEYS[3] last_used      string int, ms since epoch (Redis TIME) of the key's latest request  <p>:{k:<key id>}:last_used
  ARGV[1] requests       requests to add, ≥ 1
  ARGV[2] errors         errors to add, 0 ≤ errors ≤ requests
  ARGV[3] bucket_ttl_ms  ms an hourly bucket is kept (a little over 24 h), counted from the bucket's first flush
  ARGV[4] now_ms         Redis TIME in ms as this replica sees it (redis.RedisClock), or -1: then read TIME here
Output:
  the key's request count in that hour after this flush
Invariant: keys hold counts and times only, named by key id: never the key or its hash.

Each replica sums its requests in memory and runs this once per key and second (ARCHITECTURE.md §2), not once per
request; last_used is the flush's time, at most a second after the request. A flush executes 4 commands (EVALSHA,
INCRBY, GET, and SET when last_used moves forward, which it usually does), one more PEXPIRE when INCRBY created the
hour's counter, and 1–2 more when it carries errors (INCRBY, and PEXPIRE when that created its counter).

Time comes from Redis' clock, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local requests_key = KEYS[1]
local errors_key = KEYS[2]
local last_used_key = KEYS[3]
local requests = tonumber(ARGV[1])
local errors = tonumber(ARGV[2])
local bucket_ttl_ms = tonumber(ARGV[3])
local now_ms = tonumber(ARGV[4])

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- A counter's lifetime is set when INCRBY creates it (its value is then the increment): once per hour, not per flush.
local count = redis.call('INCRBY', requests_key, requests)
if count == requests then
  redis.call('PEXPIRE', requests_key, bucket_ttl_ms)
end
if errors > 0 and redis.call('INCRBY', errors_key, errors) == errors then
  redis.call('PEXPIRE', errors_key, bucket_ttl_ms)
end
local previous = tonumber(redis.call('GET', last_used_key) or '0')
if now_ms > previous then
  redis.call('SET', last_used_key, string.format('%d', now_ms), 'PX', 400 * 86400000)
end
return count
