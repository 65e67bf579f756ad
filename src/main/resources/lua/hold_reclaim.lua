--[[
hold_reclaim: charge in full the holds of a team whose lease ran out (their replica died or stopped beating).

Input:
  KEYS[1] held           string int, µUSD held by the team's requests in flight
  KEYS[2] holds          zset, "<hold id>|<amount µUSD>|<spent_day key>|<spent_month key>" → lease expiry (ms)
  KEYS[3] holds_expired  string int, count of holds charged because their lease ran out
  KEYS[4] holds_amt      hash, hold id → "<amount µUSD>|<spent_day key>|<spent_month key>": where replicas of the
                         version before self-describing members (issue 14) wrote what a hold holds; read only for a
                         member that is a bare hold id, so a rolling upgrade charges the old replicas' holds too
  ARGV[1] now_ms         Redis TIME in ms as this replica sees it (redis.RedisClock), or -1: then read TIME here
  ARGV[2] max_holds      at most this many expired holds are charged by one call
Output:
  the number of holds charged by this call (max_holds: more may be left for the next call)
Invariant: an expired hold is charged exactly once, in full, to the windows written in its member, and leaves held
by its amount, so spent + held never changes here: never an under-count.

The one copy of the reclaim rule (ARCHITECTURE.md §7): run by the ledger when a reservation was refused while
expired holds existed, and by each replica's reaper every third of redis.holdLease. When nothing has expired it
executes 2 commands (EVALSHA, ZRANGEBYSCORE). The spent keys named in a member are not in KEYS but carry the same
{t:<team>} hash tag, so they live in this script's cluster slot.

A script that reads TIME and then writes needs effects replication: the default since Redis 5 (the servers here
run 7.x); older ones would need redis.replicate_commands().
]]
local held_key = KEYS[1]
local holds_key = KEYS[2]
local holds_expired_key = KEYS[3]
local legacy_amounts_key = KEYS[4]
local now_ms = tonumber(ARGV[1])
local max_holds = tonumber(ARGV[2])

local DAY_TTL_S = 40 * 86400
local MONTH_TTL_S = 400 * 86400

local function int(n) return string.format('%d', n) end
-- Sets the TTL only when INCRBY created the key (its value is then the increment): once per window, not per call.
local function add(key, n, ttl_s)
  if redis.call('INCRBY', key, int(n)) == n then
    redis.call('EXPIRE', key, ttl_s)
  end
end

if now_ms < 0 then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local charged = 0
local expired = redis.call('ZRANGEBYSCORE', holds_key, '-inf', int(now_ms), 'LIMIT', 0, max_holds)
for _, member in ipairs(expired) do
  redis.call('ZREM', holds_key, member)
  local amount, its_day_key, its_month_key = string.match(member, '^[^|]*|(%d+)|([^|]+)|([^|]+)$')
  if not amount and not string.find(member, '|', 1, true) then
    -- A hold of an older replica: its amount and windows are in the hash it wrote beside the zset.
    local legacy = redis.call('HGET', legacy_amounts_key, member)
    if legacy then
      redis.call('HDEL', legacy_amounts_key, member)
      amount, its_day_key, its_month_key = string.match(legacy, '^(%d+)|([^|]+)|([^|]+)$')
    end
  end
  if amount then
    amount = tonumber(amount)
    add(its_day_key, amount, DAY_TTL_S)
    add(its_month_key, amount, MONTH_TTL_S)
    redis.call('DECRBY', held_key, int(amount))
    redis.call('INCR', holds_expired_key)
    charged = charged + 1
  end
end
return charged
