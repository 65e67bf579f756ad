--[[
webhook_move_due: move the retries that are due back onto the delivery stream.

Input:
  KEYS[1] retry         zset, next-attempt JSON → due time (ms, Redis TIME)
  KEYS[2] stream        stream of deliveries to make, field d = delivery JSON
  ARGV[1] max_moved     at most this many per call
Output:
  the number of entries moved
Invariant: a due retry is either in the zset or on the stream, never both and never lost.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local retry_key = KEYS[1]
local stream_key = KEYS[2]
local max_moved = tonumber(ARGV[1])

local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', retry_key, '-inf', string.format('%d', now_ms), 'LIMIT', 0, max_moved)
for _, json in ipairs(due) do
  redis.call('XADD', stream_key, '*', 'd', json)
  redis.call('ZREM', retry_key, json)
end
return #due
