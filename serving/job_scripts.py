"""Lua scripts that move a job record between states atomically (run by Redis, one at a time).

Every script reads the clock of the Redis server (``TIME``), so the API and the workers judge
deadlines by one clock. Rules shared by all of them:

- a record without its identity fields (``task_id``, ``created_at``) is treated as missing, and is
  given a TTL if it has none; no script ever creates a record except ``CREATE``;
- SUCCESS and FAILURE are terminal: written once, never changed afterwards;
- a PENDING record older than the queue deadline, or a STARTED/PROGRESS record whose heartbeat is
  older than the heartbeat timeout, is overdue: the first script that looks at it writes FAILURE;
- states only move forward (PENDING < STARTED < PROGRESS < terminal) and ``done`` never decreases.
"""

from __future__ import annotations

# ARGV of every script after CREATE starts with: heartbeat timeout (s), queue deadline (s), ttl of a
# finished record (s). Helpers are prepended to each script.
_HELPERS = """
local key = KEYS[1]
local hb_timeout = tonumber(ARGV[1])
local queue_timeout = tonumber(ARGV[2])
local final_ttl = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000

local function valid()
  if redis.call('EXISTS', key) == 0 then return false end
  local id, created = unpack(redis.call('HMGET', key, 'task_id', 'created_at'))
  if not id or not tonumber(created) then
    if redis.call('TTL', key) == -1 then redis.call('EXPIRE', key, final_ttl) end
    return false
  end
  return true
end

local function terminal(state)
  return state == 'SUCCESS' or state == 'FAILURE'
end

local function finish(state, err)
  redis.call('HSET', key, 'state', state, 'error', err, 'finished_at', tostring(now))
  if state == 'SUCCESS' then
    redis.call('HSET', key, 'done', redis.call('HGET', key, 'total') or '0')
  end
  redis.call('EXPIRE', key, final_ttl)
end

-- the FAILURE reason time gives a live record, or false
local function overdue()
  local state, hb, created = unpack(redis.call('HMGET', key, 'state', 'heartbeat_at', 'created_at'))
  if state == 'PENDING' or not state then
    local waited = now - tonumber(created)
    if waited > queue_timeout then
      return string.format(
        'not started in time: no worker took this job within %d s of its submission (the queue ' ..
        'is too long, or the worker that had reserved it died); it will not run: submit the ' ..
        'request again', queue_timeout)
    end
  elseif not terminal(state) then
    local silent = now - (tonumber(hb) or tonumber(created))
    if silent > hb_timeout then
      return string.format(
        'the worker running this job stopped reporting %.0f s ago (worker lost); nothing will ' ..
        'finish it: submit the request again', silent)
    end
  end
  return false
end

-- on a valid, live record: write FAILURE if it is overdue; true if the record is (now) terminal
local function settle()
  local state = redis.call('HGET', key, 'state')
  if terminal(state) then return true end
  local reason = overdue()
  if reason then
    finish('FAILURE', reason)
    return true
  end
  return false
end
"""

# KEYS: job. ARGV: -, -, -, queued ttl, task_id, game, strategy, count.
CREATE = (
    _HELPERS
    + """
redis.call('DEL', key)
redis.call('HSET', key, 'task_id', ARGV[5], 'game', ARGV[6], 'strategy', ARGV[7],
  'count', ARGV[8], 'created_at', tostring(now), 'state', 'PENDING', 'done', '0', 'total', ARGV[8])
redis.call('EXPIRE', key, tonumber(ARGV[4]))
return 1
"""
)

# A worker about to run the job. KEYS: job. ARGV: -, -, -, claim token.
# Returns 'claimed', 'missing', 'terminal' or 'busy' (another worker holds it and still reports).
CLAIM = (
    _HELPERS
    + """
if not valid() then return 'missing' end
if settle() then return 'terminal' end
local state = redis.call('HGET', key, 'state')
if state ~= 'PENDING' then return 'busy' end
redis.call('HSET', key, 'state', 'STARTED', 'claim', ARGV[4], 'started_at', tostring(now),
  'heartbeat_at', tostring(now))
redis.call('HINCRBY', key, 'reports', 1)
return 'claimed'
"""
)

# The claiming worker's progress. KEYS: job. ARGV: -, -, -, claim token, done, total.
# Returns 'ok', 'missing', 'terminal' or 'lost' (the job is not this worker's).
HEARTBEAT = (
    _HELPERS
    + """
if not valid() then return 'missing' end
if settle() then return 'terminal' end
if redis.call('HGET', key, 'claim') ~= ARGV[4] then return 'lost' end
local done = math.max(tonumber(ARGV[5]) or 0, tonumber(redis.call('HGET', key, 'done')) or 0)
redis.call('HSET', key, 'state', 'PROGRESS', 'done', tostring(done), 'total', ARGV[6],
  'heartbeat_at', tostring(now))
redis.call('HINCRBY', key, 'reports', 1)
return 'ok'
"""
)

# A generation that ended in ``state`` ('SUCCESS' or 'FAILURE'), counted in the day's metrics (the
# counting serving.jobs.generation_stats reads). Its ARGV from ``first``: strategy, grids, duration
# (ms), durations kept, TTL of the metrics (s).
_COUNT_GENERATION = """
local function count_generation(hash, durations, state, first)
  local strategy, ttl = ARGV[first], tonumber(ARGV[first + 4])
  if state == 'SUCCESS' then
    redis.call('HINCRBY', hash, strategy .. ':count', 1)
    redis.call('HINCRBY', hash, strategy .. ':grids', tonumber(ARGV[first + 1]))
    redis.call('RPUSH', durations, ARGV[first + 2])
    redis.call('LTRIM', durations, -tonumber(ARGV[first + 3]), -1)
    redis.call('EXPIRE', durations, ttl)
  else
    redis.call('HINCRBY', hash, strategy .. ':failed', 1)
  end
  redis.call('EXPIRE', hash, ttl)
end
"""

# The claiming worker's end. KEYS: job [, metrics hash, durations list]. ARGV: -, -, -, claim token,
# state, error [, then count_generation's from 7: a generation is counted by the call that ends it,
# in the same step, so a job is counted once and only with the outcome its record tells].
# Returns the record's state afterwards ('missing' if none): a terminal state is never replaced.
FINISH = (
    _HELPERS
    + _COUNT_GENERATION
    + """
if not valid() then return 'missing' end
if not settle() and redis.call('HGET', key, 'claim') == ARGV[4] then
  finish(ARGV[5], ARGV[6])
  if KEYS[2] then count_generation(KEYS[2], KEYS[3], ARGV[5], 7) end
end
return redis.call('HGET', key, 'state')
"""
)

# What the API reports. KEYS: job. ARGV: -, -, -, result backend state, result backend error.
# A final outcome in the result backend settles a live record first (the worker stored it, then
# died or was killed by its time limit before it wrote the record); otherwise deadlines apply.
# Returns HGETALL, or nil.
RESOLVE = (
    _HELPERS
    + """
if not valid() then return nil end
if redis.call('TTL', key) == -1 then redis.call('EXPIRE', key, final_ttl) end
if not terminal(redis.call('HGET', key, 'state')) then
  if ARGV[4] == 'SUCCESS' then finish('SUCCESS', '')
  elseif ARGV[4] == 'FAILURE' then finish('FAILURE', ARGV[5])
  else settle() end
end
return redis.call('HGETALL', key)
"""
)
