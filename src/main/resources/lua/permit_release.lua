--[[
permit_release: give a lane's slot back and wake the waiters of every replica.

Input:
  KEYS[1] permits    zset, permit id → lease expiry (ms since epoch, Redis TIME)    <p>:{l:<fp>}:permits
  ARGV[1] permit_id  the id the permit was acquired with
  ARGV[2] channel    pub/sub channel told when a slot is freed                       <p>:{l:<fp>}:freed
Output:
  1 when the permit was held and is now released, 0 when it was already gone (released before, or expired and
  reclaimed: the slot may belong to another permit now, which stays untouched)
Invariant: only the named permit is removed, and a release is published exactly when a slot was freed.
]]
local permits_key = KEYS[1]
local permit_id = ARGV[1]
local channel = ARGV[2]

local removed = redis.call('ZREM', permits_key, permit_id)
if removed > 0 then
  redis.call('PUBLISH', channel, '1')
end
return removed
