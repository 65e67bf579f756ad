--[[
release: drop a hold without charging it (Ideogram did not accept the work).

Input:
  KEYS[1] held        string int, µUSD held by the team's requests in flight
  KEYS[2] holds       zset, "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" → lease expiry (ms)
  ARGV[1] member      the hold's member in holds
  ARGV[2] amount      µUSD the hold holds (the amount written in the member)
Output:
  1 when this call released the hold, 0 when it was already settled, released or expired
Invariant: a hold leaves held exactly once, whichever of settle, release or expiry comes first.

Cost (ARCHITECTURE.md §2): 3 commands (EVALSHA, ZREM, DECRBY).
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local member = ARGV[1]
local amount = ARGV[2]

if redis.call('ZREM', holds_key, member) == 0 then
  return 0
end
redis.call('DECRBY', held_key, amount)
return 1
