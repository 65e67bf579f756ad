--[[
batch_create: store a new batch with every line queued, unless its team already has max_open open batches.

Input:
  KEYS[1] batch         hash of the batch (meta, state, counts c:<state>, cost)   <p>:{t:<team>}:batch:<id>
  KEYS[2] queue         list of queued lines (JSON), head first                   <p>:{t:<team>}:batch:<id>:queue
  KEYS[3] index         zset of the team's batch ids by creation ms               <p>:{t:<team>}:batches
  KEYS[4] open          set of the team's open batch ids                          <p>:{t:<team>}:batches:open
  ARGV[1] id            the batch id
  ARGV[2] meta          the batch's fixed fields (JSON)
  ARGV[3] max_open      open batches the team may have, ≥ 1
  ARGV[4..] the lines (JSON), in file order
Output:
  1 when stored, 0 when the team has max_open open batches (nothing stored)
Invariant: a team never has more than max_open open batches; a stored batch has all its lines queued, none lost.
created is Redis TIME in ms. Time comes from Redis TIME, one clock for every replica. A script that reads TIME and
then writes needs effects replication: the default since Redis 5 (the servers here run 7.x).
]]
local batch_key = KEYS[1]
local queue_key = KEYS[2]
local index_key = KEYS[3]
local open_key = KEYS[4]
local id = ARGV[1]
local meta = ARGV[2]
local max_open = tonumber(ARGV[3])

if redis.call('SCARD', open_key) >= max_open then
  return 0
end
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lines = #ARGV - 3
local chunk = 500
local i = 4
while i <= #ARGV do
  local last = math.min(i + chunk - 1, #ARGV)
  redis.call('RPUSH', queue_key, unpack(ARGV, i, last))
  i = last + 1
end
redis.call('HSET', batch_key, 'meta', meta, 'state', 'running', 'created', string.format('%d', now_ms),
  'paused_until', '0', 'finished', '0', 'cost', '0', 'lines', lines, 'c:queued', lines, 'c:running', 0)
redis.call('ZADD', index_key, now_ms, id)
redis.call('SADD', open_key, id)
return 1
