--[[
webhook_retry: a POST failed; schedule the next attempt after a delay, or dead-letter the delivery.

Input:
  KEYS[1] stream        stream of deliveries to make                  <p>:{wh}:stream
  KEYS[2] retry         zset, next-attempt JSON → due time (ms, Redis TIME)
  KEYS[3] dead          list of dead letters (JSON), newest first
  KEYS[4] lock          string, the replica POSTing it                 <p>:{wh}:lock:<delivery id>
  ARGV[1] group         consumer group name
  ARGV[2] entry_id      stream entry id
  ARGV[3] next_json     the delivery with its attempt number raised, or the dead letter when ARGV[5] is 1
  ARGV[4] delay_ms      ms until the next attempt is due
  ARGV[5] dead_letter   1 = push ARGV[3] to the dead list instead of scheduling it
  ARGV[6] max_dead      dead letters kept
Output:
  1
Invariant: a failed entry leaves the stream in the same step as its next attempt (or dead letter) is recorded.

Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local stream_key = KEYS[1]
local retry_key = KEYS[2]
local dead_key = KEYS[3]
local lock_key = KEYS[4]
local group = ARGV[1]
local entry_id = ARGV[2]
local next_json = ARGV[3]
local delay_ms = tonumber(ARGV[4])
local dead_letter = ARGV[5]
local max_dead = tonumber(ARGV[6])

if dead_letter == '1' then
  redis.call('LPUSH', dead_key, next_json)
  redis.call('LTRIM', dead_key, 0, max_dead - 1)
else
  local time = redis.call('TIME')
  local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZADD', retry_key, string.format('%d', now_ms + delay_ms), next_json)
end
redis.call('DEL', lock_key)
redis.call('XACK', stream_key, group, entry_id)
redis.call('XDEL', stream_key, entry_id)
return 1
