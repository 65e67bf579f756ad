--[[
generation_settle: mark one async generation settled, once, whichever of callback, poll or reconciler comes first.

Input:
  KEYS[1] generation    hash <p>:{g:<generation id>}:gen, fields record (JSON), status, charged, images, settled_at
  ARGV[1] status        completed | failed
  ARGV[2] charge        µUSD charged by the ledger for this generation, ≥ 0
  ARGV[3] images        images produced, ≥ 0
Output:
  1 when this call settled the generation, 0 when it was already settled or is unknown
Invariant: a generation leaves status pending exactly once, so its client delivery is enqueued exactly once.
settled_at is Redis TIME in ms since epoch (informative only).
Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x); older ones would need redis.replicate_commands().
]]
local generation_key = KEYS[1]
local status = ARGV[1]
local charge = ARGV[2]
local images = ARGV[3]

if redis.call('HGET', generation_key, 'status') ~= 'pending' then
  return 0
end
local time = redis.call('TIME')
local settled_at_ms = string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
redis.call('HSET', generation_key, 'status', status, 'charged', charge, 'images', images, 'settled_at', settled_at_ms)
return 1
