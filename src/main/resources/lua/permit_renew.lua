--[[
permit_renew: extend the lease of a permit whose call is still running (the heartbeat).

Input:
  KEYS[1] permits    zset, permit id → lease expiry (ms since epoch, Redis TIME)    <p>:{l:<fp>}:permits
  ARGV[1] permit_id  the id the permit was acquired with
  ARGV[2] lease_ms   ms from now until the renewed lease expires
Output:
  1 when the lease was live and now expires lease_ms from now, 0 when it had already expired or been released
  (an expired lease is never revived: its slot may already be someone else's)
Invariant: only a live lease is extended; the key never expires before its latest lease.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local permits_key = KEYS[1]
local permit_id = ARGV[1]
local lease_ms = tonumber(ARGV[2])

local function int(n) return string.format('%d', n) end

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local expiry = tonumber(redis.call('ZSCORE', permits_key, permit_id) or '0')
if expiry <= now_ms then
  return 0
end
redis.call('ZADD', permits_key, 'XX', int(now_ms + lease_ms), permit_id)
local latest = redis.call('ZRANGE', permits_key, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', permits_key, latest[2])
return 1
