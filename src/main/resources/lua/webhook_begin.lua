--[[
webhook_begin: decide whether this replica may POST one delivery now.

Input:
  KEYS[1] done          string, set once the delivery id got a 2xx   <p>:{wh}:done:<delivery id>
  KEYS[2] lock          string, the replica POSTing it right now     <p>:{wh}:lock:<delivery id>
  ARGV[1] owner         this replica's consumer name
  ARGV[2] lock_ms       ms the lock lives: longer than one POST's timeout
Output:
  'done' (already delivered: drop this entry), 'busy' (another replica is POSTing it), or 'go'
Invariant: at most one replica POSTs a delivery id at a time, and none after it was delivered.
]]
local done_key = KEYS[1]
local lock_key = KEYS[2]
local owner = ARGV[1]
local lock_ms = ARGV[2]

if redis.call('EXISTS', done_key) == 1 then
  return 'done'
end
if redis.call('SET', lock_key, owner, 'NX', 'PX', lock_ms) then
  return 'go'
end
if redis.call('GET', lock_key) == owner then
  redis.call('PEXPIRE', lock_key, lock_ms)
  return 'go'
end
return 'busy'
