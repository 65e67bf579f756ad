--[[
key_use: count one request of a client key (and one error when it failed) in hourly buckets, and its last use.

Input:
  KEYS[1] requests_hour  string int, requests of the key in one hour      <p>:{k:<key id>}:req:<epoch hour>
  KEYS[2] errors_hour    string int, answers ≥ 400 of the key in that hour <p>:{k:<key id>}:err:<epoch hour>
  KEYS[3] last_used      string int, ms since epoch (Redis TIME) of the key's latest request  <p>:{k:<key id>}:last_used
  ARGV[1] is_error       1 when the answer was an error, else 0
  ARGV[2] bucket_ttl_ms  ms an hourly bucket is kept (a little over 24 h)
Output:
  the key's request count in that hour after this one
Invariant: keys hold counts and times only, named by key id: never the key or its hash.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local requests_key = KEYS[1]
local errors_key = KEYS[2]
local last_used_key = KEYS[3]
local is_error = tonumber(ARGV[1])
local bucket_ttl_ms = tonumber(ARGV[2])

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local count = redis.call('INCR', requests_key)
redis.call('PEXPIRE', requests_key, bucket_ttl_ms)
if is_error == 1 then
  redis.call('INCR', errors_key)
  redis.call('PEXPIRE', errors_key, bucket_ttl_ms)
end
local previous = tonumber(redis.call('GET', last_used_key) or '0')
if now_ms > previous then
  redis.call('SET', last_used_key, string.format('%d', now_ms), 'PX', 400 * 86400000)
end
return count
