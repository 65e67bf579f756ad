--[[
batch_lines: every change to the lines of one batch, so that its counts, cost and state move together.

Input:
  KEYS[1] batch         hash: meta, state, paused_until, finished, cost, lines, c:<line state> counts
                        <p>:{t:<team>}:batch:<id>
  KEYS[2] queue         list of queued lines (JSON)                 <p>:{t:<team>}:batch:<id>:queue
  KEYS[3] running       hash line number -> line JSON               <p>:{t:<team>}:batch:<id>:running
  KEYS[4] leases        zset line number by lease end (ms)          <p>:{t:<team>}:batch:<id>:leases
  KEYS[5] holds         hash line number -> its hold record: "<µUSD>" (worst case, before the reserve) or
                        "c:<µUSD>:<images>" (the charge, before the settle)   <p>:{t:<team>}:batch:<id>:holds
  KEYS[6] results       hash line number -> result JSON             <p>:{t:<team>}:batch:<id>:results
  KEYS[7] open          set of the team's open batch ids            <p>:{t:<team>}:batches:open
  KEYS[8] owners        hash line number -> token of its claim      <p>:{t:<team>}:batch:<id>:owners
  ARGV[1] op            claim | started | renew | finish | budget | cancel
  ARGV[2] number        the line number (started, finish, budget); the batch id (claim, cancel); renew:
                        "<line>=<token>" of each line, comma-separated
  ARGV[3] payload       finish: the result JSON; started: the hold record ("<µUSD>" before the reserve,
                        "c:<µUSD>:<images>" before the settle); otherwise empty
  ARGV[4] amount        finish: the cost µUSD; otherwise 0
  ARGV[5] duration_ms   claim, renew: the lease in ms; budget: ms until the next budget window; otherwise 0
  ARGV[6] token         claim: the token of this claim; started, finish, budget: the claim's token
Output:
  claim: {'line', line JSON}, {'takeover', line JSON, hold record} or {state, retention end ms (0 until the batch
  finished)}; started: 1 or 0 (not this claim's any more); renew: the line numbers renewed;
  finish, budget: 2 when the batch just finished, 1 when recorded, 0 when the line was taken back already;
  cancel: 2 when cancelled and thereby finished (no line running), 1 when cancelled, 0 when the batch was not
  open. A missing batch answers {'gone'} or 0. The caller puts a batch that finished in the retention set.
Invariant: every line is in exactly one of queue, running, results; c:<state> counts them; only the latest claim
of a running line (its token in owners) records, renews or finishes it; a line whose lease ran out is queued again
when no hold was recorded for it, else leased to the claimer as a takeover (which charges that hold once, in full
or at the recorded charge, and ends the line unknown). The batch finishes once, when no line is queued or running,
and then expires after its retention.
Time comes from Redis TIME, one clock for every replica. A script that reads TIME and then writes needs effects
replication: the default since Redis 5 (the servers here run 7.x).
]]
local batch_key = KEYS[1]
local queue_key = KEYS[2]
local running_key = KEYS[3]
local leases_key = KEYS[4]
local holds_key = KEYS[5]
local results_key = KEYS[6]
local open_key = KEYS[7]
local owners_key = KEYS[8]
local op = ARGV[1]
local number = ARGV[2]
local payload = ARGV[3]
local amount = tonumber(ARGV[4])
local duration_ms = tonumber(ARGV[5])
local token = ARGV[6]

local state = redis.call('HGET', batch_key, 'state')
if not state then
  if op == 'claim' then
    return {'gone'}
  end
  return 0
end
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local is_open = state == 'running' or state == 'paused'

local function ended(line, line_state, code, message, cost)
  local result = cjson.encode({n = line.n, custom_id = line.custom_id, state = line_state, code = code,
    message = message, cost_micro_usd = cost, queue_wait_ms = 0})
  redis.call('HSET', results_key, tostring(line.n), result)
  redis.call('HINCRBY', batch_key, 'c:' .. line_state, 1)
  redis.call('HINCRBY', batch_key, 'cost', cost)
end

-- a running line leaves running and leases; its hold record goes too
local function leave_running(n)
  local line = redis.call('HGET', running_key, n)
  if not line then
    return nil, nil
  end
  local hold = redis.call('HGET', holds_key, n)
  redis.call('HDEL', running_key, n)
  redis.call('ZREM', leases_key, n)
  redis.call('HDEL', holds_key, n)
  redis.call('HDEL', owners_key, n)
  redis.call('HINCRBY', batch_key, 'c:running', -1)
  return line, hold
end

local function end_queued(line_state, code, message)
  local lines = redis.call('LRANGE', queue_key, 0, -1)
  for _, text in ipairs(lines) do
    ended(cjson.decode(text), line_state, code, message, 0)
  end
  redis.call('DEL', queue_key)
  redis.call('HSET', batch_key, 'c:queued', 0)
end

-- 2 when the batch has just finished: no line queued or running
local function finish_if_done()
  if redis.call('LLEN', queue_key) > 0 or redis.call('HLEN', running_key) > 0 then
    return 1
  end
  if redis.call('HGET', batch_key, 'finished') ~= '0' then
    return 1
  end
  local current = redis.call('HGET', batch_key, 'state')
  if current == 'running' or current == 'paused' then
    redis.call('HSET', batch_key, 'state', 'completed')
  end
  redis.call('HSET', batch_key, 'finished', string.format('%d', now_ms))
  local id = cjson.decode(redis.call('HGET', batch_key, 'meta')).id
  redis.call('SREM', open_key, id)
  local retention_ms = cjson.decode(redis.call('HGET', batch_key, 'meta')).retention_ms
  for _, key in ipairs({batch_key, queue_key, running_key, leases_key, holds_key, results_key, owners_key}) do
    redis.call('PEXPIRE', key, retention_ms)
  end
  return 2
end

if op == 'claim' then
  local expired = redis.call('ZRANGEBYSCORE', leases_key, '-inf', now_ms)
  local takeover = nil
  for _, n in ipairs(expired) do
    local hold = redis.call('HGET', holds_key, n)
    if hold then
      if not takeover then
        -- its replica may have reserved this hold and called upstream: the claimer settles it and ends the line
        redis.call('ZADD', leases_key, now_ms + duration_ms, n)
        redis.call('HSET', owners_key, n, token)
        takeover = {'takeover', redis.call('HGET', running_key, n), hold}
      end
    else
      local text = leave_running(n)
      if text then
        if is_open then
          redis.call('LPUSH', queue_key, text)
          redis.call('HINCRBY', batch_key, 'c:queued', 1)
        else
          ended(cjson.decode(text), 'cancelled', 'cancelled', 'the batch was cancelled', 0)
        end
      end
    end
  end
  if takeover then
    return takeover
  end
  if state == 'paused' and tonumber(redis.call('HGET', batch_key, 'paused_until')) <= now_ms then
    state = 'running'
    redis.call('HSET', batch_key, 'state', state, 'paused_until', '0')
  end
  if state == 'running' then
    local text = redis.call('LPOP', queue_key)
    if text then
      local line = cjson.decode(text)
      redis.call('HSET', running_key, tostring(line.n), text)
      redis.call('ZADD', leases_key, now_ms + duration_ms, tostring(line.n))
      redis.call('HSET', owners_key, tostring(line.n), token)
      redis.call('HINCRBY', batch_key, 'c:queued', -1)
      redis.call('HINCRBY', batch_key, 'c:running', 1)
      return {'line', text}
    end
  end
  finish_if_done()
  local finished = tonumber(redis.call('HGET', batch_key, 'finished'))
  local retention_end = 0
  if finished > 0 then
    retention_end = finished + cjson.decode(redis.call('HGET', batch_key, 'meta')).retention_ms
  end
  return {redis.call('HGET', batch_key, 'state'), retention_end}
end

-- only the latest claim of a line may change it
local function owned(n, claim_token)
  return redis.call('HGET', owners_key, n) == claim_token
end

if op == 'started' then
  if not owned(number, token) then
    return 0
  end
  redis.call('HSET', holds_key, number, payload)
  return 1
end

if op == 'renew' then
  local renewed = {}
  for n, claim_token in string.gmatch(number, '([^,=]+)=([^,]+)') do
    if owned(n, claim_token) then
      redis.call('ZADD', leases_key, 'XX', now_ms + duration_ms, n)
      renewed[#renewed + 1] = tonumber(n)
    end
  end
  return renewed
end

-- The running line's text, taken out of running, when the caller's claim is the latest; else nil.
local function leave_owned(n, claim_token)
  if not owned(n, claim_token) then
    return nil
  end
  return leave_running(n)
end

if op == 'finish' then
  if not leave_owned(number, token) then
    return 0
  end
  local result = cjson.decode(payload)
  redis.call('HSET', results_key, number, payload)
  redis.call('HINCRBY', batch_key, 'c:' .. result.state, 1)
  redis.call('HINCRBY', batch_key, 'cost', amount)
  return finish_if_done()
end

if op == 'budget' then
  local text = leave_owned(number, token)
  if not text then
    return 0
  end
  local line = cjson.decode(text)
  if not is_open then
    ended(line, 'cancelled', 'cancelled', 'the batch was cancelled', 0)
  else
    redis.call('LPUSH', queue_key, text)
    redis.call('HINCRBY', batch_key, 'c:queued', 1)
    if cjson.decode(redis.call('HGET', batch_key, 'meta')).on_budget == 'pause' then
      redis.call('HSET', batch_key, 'state', 'paused', 'paused_until', string.format('%d', now_ms + duration_ms))
    else
      end_queued('budget_exceeded', 'budget_exceeded', 'the team\'s budget ran out during the batch')
    end
  end
  return finish_if_done()
end

if op == 'cancel' then
  if not is_open then
    return 0
  end
  end_queued('cancelled', 'cancelled', 'the batch was cancelled')
  redis.call('HSET', batch_key, 'state', 'cancelled')
  return finish_if_done()
end
return redis.error_reply('batch_lines: unknown op ' .. op)
