--[[
webhook_redeliver: an operator retries a dead letter: take it off the dead list and queue its delivery again.

Input:
  KEYS[1] dead          list of dead letters (JSON), newest first       <p>:{wh}:dead
  KEYS[2] stream        stream of deliveries to make, field d           <p>:{wh}:stream
  ARGV[1] dead_json     the dead letter exactly as stored in the list
  ARGV[2] delivery_json the delivery to make, as a first attempt
Output:
  1 when the dead letter was taken and its delivery queued, 0 when it was no longer on the list
Invariant: a dead letter leaves the list in the same step as its delivery is queued, and only once: two
operators retrying it at the same time queue it once, and a crash between the two steps cannot lose it.
]]
local dead_key = KEYS[1]
local stream_key = KEYS[2]
local dead_json = ARGV[1]
local delivery_json = ARGV[2]

if redis.call('LREM', dead_key, 1, dead_json) == 0 then
  return 0
end
redis.call('XADD', stream_key, '*', 'd', delivery_json)
return 1
