--[[
hold_renew: extend the leases of a team's holds whose calls are still running (the heartbeat, like permit_renew).

Input:
  KEYS[1] holds      zset, "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" → lease expiry (ms since
                     epoch, Redis TIME)    <p>:{t:<team>}:holds
  ARGV[1] lease_ms   ms from now until a renewed hold expires
  ARGV[2] now_ms     Redis TIME in ms as this replica sees it (redis.RedisClock), or -1: then read TIME here
  ARGV[3..] member   the holds one replica still has in flight for this team
Output:
  how many of the holds were live and now expire lease_ms from now; the others had been settled, released or
  expired (an expired hold is never revived: it is charged in full by the next reclaim)
Invariant: only a live hold is extended, so a hold whose replica stopped beating expires one lease after its last
heartbeat and is charged in full (ARCHITECTURE.md §7).

A script that reads TIME and then writes needs effects replication: the default since Redis 5 (the servers here
run 7.x); older ones would need redis.replicate_commands().
]]
local holds_key = KEYS[1]
local lease_ms = tonumber(ARGV[1])
local now_ms = tonumber(ARGV[2])

local function int(n) return string.format('%d', n) end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local expiry = int(now_ms + lease_ms)

local renewed = 0
for i = 3, #ARGV do
  local current = tonumber(redis.call('ZSCORE', holds_key, ARGV[i]) or '0')
  if current > now_ms then
    redis.call('ZADD', holds_key, 'XX', expiry, ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
