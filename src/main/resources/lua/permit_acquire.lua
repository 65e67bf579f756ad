--[[
permit_acquire: take one in-flight slot of a lane (one upstream key) as a lease, when the lane is under its limit.

Input:
  KEYS[1] permits        zset, permit id → lease expiry (ms since epoch, Redis TIME)    <p>:{l:<fp>}:permits
  KEYS[2] lane_limit     hash, the lane's shared AIMD state (see lane_limit.lua)        <p>:{l:<fp>}:limit
  ARGV[1] permit_id      caller-made UUID; a retried acquire with the same id takes nothing more
  ARGV[2] max_in_flight  the configured cap of the lane (upstream.maxInFlightPerKey), ≥ 1
  ARGV[3] lease_ms       ms until a permit that is not renewed expires
  ARGV[4] channel        pub/sub channel of the lane's waiters                            <p>:{l:<fp>}:freed
  ARGV[5] now_ms         Redis' TIME in ms as the caller's replica last sampled it (redis.RedisClock), or -1
                         when it has no sample yet: then the script reads TIME itself
  ARGV[6] announce       "1": a refusal publishes "waiting" on the channel, so every replica's releases publish
                         while the lane is contended (ARCHITECTURE.md §8); "0": the caller announced recently
Output:
  {1, epoch, taken, effective, 0, raisable}            admitted; taken counts this permit
  {0, epoch, taken, effective, expires_in, raisable}   refused; expires_in = ms until the earliest lease expires (≥ 1)
  epoch is the lane's AIMD epoch, to report with a 429 of a call made under this permit; raisable is 1 when the
  shared limit is below its cap (max_in_flight, or the ceiling of lane_limit.lua while it holds), so a success can
  raise it: only then is a success worth reporting.
Invariant: a permit is admitted only while fewer than min(max_in_flight, effective limit) live leases are held.

An admission executes 4 commands (EVALSHA, HMGET, ZCARD, ZADD; ARCHITECTURE.md §2). Expired leases are reclaimed
only when the lane looks full: below the limit they cannot refuse anyone.

The key carries no TTL, on purpose: ZADD keeps a key's TTL, so a TTL set by one call would end the leases that later
acquires added, and the lane would pass its limit. An idle lane leaves nothing, since a zset disappears with its
last member (a release's ZREM). What bounds a dead replica's members: they are reclaimed when the lane looks full
(here, and announced on the channel, since nobody releases them), or swept by the next heartbeat of any live
permit (permit_renew.lua). Until then they only lower the lane's free room below the limit, never raise it; a lane
whose only members are a dead replica's keeps at most max_in_flight of them until its next busy moment.

Time: ARGV now_ms is Redis' own clock (one clock for every replica, to within half a round trip); read here with
TIME only when the caller has no sample. A script that reads TIME and then writes needs effects replication: the
default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local permits_key = KEYS[1]
local lane_limit_key = KEYS[2]
local permit_id = ARGV[1]
local max_in_flight = tonumber(ARGV[2])
local lease_ms = tonumber(ARGV[3])
local channel = ARGV[4]
local now_ms = tonumber(ARGV[5])
local announce = ARGV[6] == '1'

local function int(n) return string.format('%d', n) end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local state = redis.call('HMGET', lane_limit_key, 'limit', 'epoch', 'ceiling', 'ceiling_until')
local effective = math.min(tonumber(state[1] or max_in_flight), max_in_flight)
local epoch = tonumber(state[2] or '0')
local cap = max_in_flight
if state[3] and tonumber(state[4] or '0') > now_ms then
  cap = math.min(cap, tonumber(state[3]) - 1)
end
local raisable = effective < cap and 1 or 0
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
    return {1, epoch, taken, effective, 0, raisable}
  end
  if announce then
    redis.call('PUBLISH', channel, 'waiting')
  end
  local earliest = redis.call('ZRANGE', permits_key, 0, 0, 'WITHSCORES')
  return {0, epoch, taken, effective, math.max(1, tonumber(earliest[2]) - now_ms), raisable}
end

if redis.call('ZADD', permits_key, 'NX', int(now_ms + lease_ms), permit_id) == 0 then
  return {1, epoch, taken, effective, 0, raisable} -- a retried acquire: the permit is held already
end
return {1, epoch, taken + 1, effective, 0, raisable}
