--[[
release: drop a hold without charging it (Ideogram did not accept the work).

Input:
  KEYS[1] held        string int, µUSD held by the team's requests in flight
  KEYS[2] holds       zset, hold id → lease expiry (ms)
  KEYS[3] holds_amt   hash, hold id → "<amount µUSD>|<spent_day key>|<spent_month key>"
  ARGV[1] hold_id
Output:
  1 when this call released the hold, 0 when it was already settled, released or expired
Invariant: a hold leaves held exactly once, whichever of settle, release or expiry comes first.
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local holds_amt_key = KEYS[3]
local hold_id = ARGV[1]

local entry = redis.call('HGET', holds_amt_key, hold_id)
if not entry then
  return 0
end
redis.call('DECRBY', held_key, string.match(entry, '^(%d+)|'))
redis.call('HDEL', holds_amt_key, hold_id)
redis.call('ZREM', holds_key, hold_id)
return 1
