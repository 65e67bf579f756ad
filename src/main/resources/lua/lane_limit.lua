--[[
lane_limit: the lane's effective in-flight limit, shared by every replica (AIMD, ARCHITECTURE.md §8). A 429 lowers it
multiplicatively, at most once per epoch; a run of successes raises it by one, up to the configured cap.

Input:
  KEYS[1] lane_limit         hash: limit, epoch, successes, ceiling, ceiling_until      <p>:{l:<fp>}:limit
  ARGV[1] outcome            "throttled" (Ideogram answered 429) or "success" (it accepted the call)
  ARGV[2] epoch              the epoch permit_acquire returned with the call's permit
  ARGV[3] max_in_flight      the configured cap of the lane (upstream.maxInFlightPerKey), ≥ 1
  ARGV[4] backoff_ratio      multiplier of a decrease, in (0, 1), e.g. 0.75
  ARGV[5] successes_to_raise successes in a row (across replicas) that raise the limit by one
  ARGV[6] ceiling_hold_ms    ms during which the limit stays below the one that drew the last 429
  ARGV[7] now_ms             Redis' TIME in ms as the caller's replica last sampled it (redis.RedisClock), or -1
                             when it has no sample yet: then the script reads TIME itself
Output:
  {effective, epoch} after the update
Invariant: 1 ≤ effective ≤ max_in_flight; a decrease needs a 429 of a call granted in the current epoch, so one
wave of 429s (calls sent under the old limit) lowers the limit once, not once per call.

Like AimdLimit, plus a ceiling: after a decrease from L, increases stop at L − 1 for ceiling_hold_ms, so a key
whose real limit is below the configured one settles just under it instead of drawing a 429 every few dozen calls.
The hash expires after a day without 429s or raises; the lane then starts again from the configured cap. Callers
report a success only while permit_acquire.lua found the limit below its cap (its raisable flag): at the cap a
success changes nothing here, not even the hash's TTL.

Time: ARGV now_ms is Redis' own clock (one clock for every replica); read here with TIME only when the caller has
no sample. A script that reads TIME and then writes needs effects replication: the default since Redis 5 (the
servers here run 7.x); older ones would need redis.replicate_commands().
]]
local lane_limit_key = KEYS[1]
local outcome = ARGV[1]
local call_epoch = tonumber(ARGV[2])
local max_in_flight = tonumber(ARGV[3])
local backoff_ratio = tonumber(ARGV[4])
local successes_to_raise = tonumber(ARGV[5])
local ceiling_hold_ms = tonumber(ARGV[6])
local now_ms = tonumber(ARGV[7])

local IDLE_TTL_MS = 86400000

local function int(n) return string.format('%d', n) end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local state = redis.call('HMGET', lane_limit_key, 'limit', 'epoch', 'ceiling', 'ceiling_until')
local effective = math.min(tonumber(state[1] or max_in_flight), max_in_flight)
local epoch = tonumber(state[2] or '0')

if outcome == 'throttled' then
  if call_epoch == epoch then
    local lowered = math.max(1, math.min(effective - 1, math.floor(effective * backoff_ratio)))
    epoch = epoch + 1
    redis.call('HSET', lane_limit_key, 'limit', int(lowered), 'epoch', int(epoch), 'successes', '0',
      'ceiling', int(effective), 'ceiling_until', int(now_ms + ceiling_hold_ms))
    redis.call('PEXPIRE', lane_limit_key, IDLE_TTL_MS)
    effective = lowered
  end
  return {effective, epoch}
end

local cap = max_in_flight
if state[3] and tonumber(state[4]) > now_ms then
  cap = math.min(cap, tonumber(state[3]) - 1)
end
if effective < cap then
  local successes = redis.call('HINCRBY', lane_limit_key, 'successes', 1)
  if successes >= successes_to_raise then
    effective = effective + 1
    redis.call('HSET', lane_limit_key, 'limit', int(effective), 'successes', '0')
    redis.call('PEXPIRE', lane_limit_key, IDLE_TTL_MS)
  end
end
return {effective, epoch}
