--[[
generation_settle: mark one async generation settled, once, whichever of callback, poll or reconciler comes first.

Input:
  KEYS[1] generation    hash <p>:{g:<generation id>}:gen, fields record (JSON), status, charged, images, settled_at
  ARGV[1] status        completed | failed
  ARGV[2] charge        µUSD charged by the ledger for this generation, ≥ 0
  ARGV[3] images        images produced, ≥ 0
  ARGV[4] settled_at_ms ms since epoch (caller's clock; informative only)
Output:
  1 when this call settled the generation, 0 when it was already settled or is unknown
Invariant: a generation leaves status pending exactly once, so its client delivery is enqueued exactly once.
]]
local generation_key = KEYS[1]
local status = ARGV[1]
local charge = ARGV[2]
local images = ARGV[3]
local settled_at_ms = ARGV[4]

if redis.call('HGET', generation_key, 'status') ~= 'pending' then
  return 0
end
redis.call('HSET', generation_key, 'status', status, 'charged', charge, 'images', images, 'settled_at', settled_at_ms)
return 1
