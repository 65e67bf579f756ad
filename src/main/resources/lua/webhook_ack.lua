--[[
webhook_ack: a delivery got a 2xx (or is settled otherwise): remember it and drop its stream entry.

Input:
  KEYS[1] stream        stream of deliveries to make               <p>:{wh}:stream
  KEYS[2] done          string, set once the delivery id got a 2xx  <p>:{wh}:done:<delivery id>
  KEYS[3] lock          string, the replica POSTing it              <p>:{wh}:lock:<delivery id>
  ARGV[1] group         consumer group name
  ARGV[2] entry_id      stream entry id
  ARGV[3] mark_done     1 to remember the delivery id as delivered, 0 to only drop the entry
  ARGV[4] done_ttl_s    seconds the done mark is kept
Output:
  1
Invariant: once marked done, no replica POSTs the delivery id again while the mark lives.
]]
local stream_key = KEYS[1]
local done_key = KEYS[2]
local lock_key = KEYS[3]
local group = ARGV[1]
local entry_id = ARGV[2]
local mark_done = ARGV[3]
local done_ttl_s = ARGV[4]

if mark_done == '1' then
  redis.call('SET', done_key, '1', 'EX', done_ttl_s)
  redis.call('DEL', lock_key)
end
redis.call('XACK', stream_key, group, entry_id)
redis.call('XDEL', stream_key, entry_id)
return 1
