--[[
permit_renew: extend the lease of a permit whose call is still running (the heartbeat, off the request's path).

Input:
  KEYS[1] permits    zset, permit id → lease expiry (ms since epoch, Redis TIME)    <p>:{l:<fp>}:permits
  ARGV[1] permit_id  the id the permit was acquired with
  ARGV[2] lease_ms   ms from now until the renewed lease expires
  ARGV[3] now_ms     Redis' TIME in ms as the caller's replica last sampled it (redis.RedisClock), or -1 when it
                     has no sample yet: then the script reads TIME itself
  ARGV[4] channel    pub/sub channel of the lane's waiters                           <p>:{l:<fp>}:freed
Output:
  1 when the lease was live and now expires lease_ms from now, 0 when it had already expired or been released
  (an expired lease is never revived: its slot may already be someone else's)
Invariant: only a live lease is extended; the key never carries a TTL, so no live lease ends before its own expiry.

The heartbeat is also the lane's sweep: leases that ran out (a dead replica's) are removed and announced on the
channel, since nobody releases them. A TTL left on the key by an older version of permit_acquire.lua (which set one
on every admission) is removed: ZADD keeps a key's TTL, so it would end leases added since (permit_acquire.lua).

Time: ARGV now_ms is Redis' own clock (one clock for every replica); read here with TIME only when the caller has
no sample. A script that reads TIME and then writes needs effects replication: the default since Redis 5 (the
servers here run 7.x); older ones would need redis.replicate_commands().
]]
local permits_key = KEYS[1]
local permit_id = ARGV[1]
local lease_ms = tonumber(ARGV[2])
local now_ms = tonumber(ARGV[3])
local channel = ARGV[4]

local function int(n) return string.format('%d', n) end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local expiry = tonumber(redis.call('ZSCORE', permits_key, permit_id) or '0')
if expiry <= now_ms then
  return 0
end
redis.call('ZADD', permits_key, 'XX', int(now_ms + lease_ms), permit_id)
local swept = redis.call('ZREMRANGEBYSCORE', permits_key, '-inf', int(now_ms))
if swept > 0 then
  redis.call('PUBLISH', channel, int(swept))
end
redis.call('PERSIST', permits_key)
return 1
