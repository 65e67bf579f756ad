--[[
permit_acquire: take one in-flight slot of a lane (one upstream key) as a lease, when the lane is under its limit.

Input:
  KEYS[1] permits        zset, permit id → lease expiry (ms since epoch, Redis TIME)    <p>:{l:<fp>}:permits
  KEYS[2] lane_limit     hash, the lane's shared AIMD state (see lane_limit.lua)        <p>:{l:<fp>}:limit
  ARGV[1] permit_id      caller-made UUID; a retried acquire with the same id takes nothing more
  ARGV[2] max_in_flight  the configured cap of the lane (upstream.maxInFlightPerKey), ≥ 1
  ARGV[3] lease_ms       ms until a permit that is not renewed expires
  ARGV[4] channel        pub/sub channel told when expired leases are reclaimed          <p>:{l:<fp>}:freed
Output:
  {1, epoch, taken, effective, 0}            admitted; taken counts this permit
  {0, epoch, taken, effective, expires_in}   refused; expires_in = ms until the earliest lease expires (≥ 1)
  epoch is the lane's AIMD epoch, to report with a 429 of a call made under this permit.
Invariant: a permit is admitted only while fewer than min(max_in_flight, effective limit) live leases are held.

Expired leases are reclaimed only when the lane looks full: below the limit they cannot refuse anyone, so an
admission executes 6 commands (EVALSHA, TIME, HMGET, ZCARD, ZADD, PEXPIREAT; ARCHITECTURE.md §2). The key's
expiry only ever moves later (PEXPIREAT ... GT), so it lives exactly as long as its latest lease.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local permits_key = KEYS[1]
local lane_limit_key = KEYS[2]
local permit_id = ARGV[1]
local max_in_flight = tonumber(ARGV[2])
local lease_ms = tonumber(ARGV[3])
local channel = ARGV[4]

local function int(n) return string.format('%d', n) end

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local state = redis.call('HMGET', lane_limit_key, 'limit', 'epoch')
local effective = math.min(tonumber(state[1] or max_in_flight), max_in_flight)
local epoch = tonumber(state[2] or '0')
local taken = redis.call('ZCARD', permits_key)

if taken >= effective then
  -- A lease that ran out belongs to a dead or stuck replica: its slot is free again, and waiters everywhere hear it.
  local reclaimed = redis.call('ZREMRANGEBYSCORE', permits_key, '-inf', int(now_ms))
  if reclaimed > 0 then
    redis.call('PUBLISH', channel, int(reclaimed))
    taken = taken - reclaimed
  end
end
if taken >= effective then
  if redis.call('ZSCORE', permits_key, permit_id) then
    return {1, epoch, taken, effective, 0}
  end
  local earliest = redis.call('ZRANGE', permits_key, 0, 0, 'WITHSCORES')
  return {0, epoch, taken, effective, math.max(1, tonumber(earliest[2]) - now_ms)}
end

local expiry = int(now_ms + lease_ms)
if redis.call('ZADD', permits_key, 'NX', expiry, permit_id) == 0 then
  return {1, epoch, taken, effective, 0} -- a retried acquire: the permit is held already
end
if taken == 0 then
  redis.call('PEXPIREAT', permits_key, expiry) -- ZADD just created the key, without a TTL
else
  redis.call('PEXPIREAT', permits_key, expiry, 'GT')
end
return {1, epoch, taken + 1, effective, 0}
