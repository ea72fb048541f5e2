-- lib.lua: shared by every pool script; prepended to each when it is loaded (Redis scripts
-- cannot call each other). Every script gets
--   KEYS[1]  the pool's key prefix, e.g. "flink-ts:pool:default:" (all keys live below it;
--            a single Redis, not Redis Cluster)
--   ARGV[1]  the caller's lease TTL in milliseconds (pool.lease.ttl)
-- and its own arguments from ARGV[2] on. Errors are negative integers (see pool-errors.ts).
local P = KEYS[1]
local TTL = tonumber(ARGV[1])

local ERR_HOST_UNKNOWN = -1
local ERR_QUEUE_UNKNOWN = -2
local ERR_APPLICATION_UNKNOWN = -3
local ERR_APPLICATION_ENDED = -4
local ERR_CONTAINER_UNKNOWN = -5
local ERR_INVALID_ARGUMENT = -6
local ERR_QUEUES_INVALID = -7

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  return out
end

-- Note: negate as `0 - x`, never `-x`: -0 would reach Redis as "-0", which HINCRBY refuses.
local function num(value, default)
  local n = tonumber(value)
  if n == nil then return default end
  return n
end

local function final_app_state(state)
  return state == 'FINISHED' or state == 'FAILED' or state == 'KILLED'
end

local function final_container_state(state)
  return state == 'COMPLETED' or state == 'FAILED' or state == 'KILLED' or state == 'LOST'
end

-- The pool's epoch: part of application and container ids, as YARN's cluster timestamp.
local function epoch(now)
  local e = redis.call('GET', P .. 'epoch')
  if not e then
    e = tostring(now)
    redis.call('SET', P .. 'epoch', e)
  end
  return e
end

local function pad(n, width)
  local s = tostring(n)
  while #s < width do s = '0' .. s end
  return s
end

local function set_lease(member, now)
  redis.call('ZADD', P .. 'leases', now + TTL, member)
end

-- Tells a host's agent to launch or kill a container, on the host's commands channel: a
-- notification only (it changes no state, and one the agent misses is made good by its next
-- heartbeat, which lists the containers that should run).
local function tell_host(host, command)
  redis.call('PUBLISH', P .. 'host:' .. host .. ':commands', command)
end

-- Gives a container's resources back to its host and queue; only once per container.
local function free_container(cid)
  local ckey = P .. 'container:' .. cid
  if redis.call('HGET', ckey, 'freed') == '1' then return end
  local c = hgetall(ckey)
  if c.id == nil then return end
  redis.call('HSET', ckey, 'freed', '1')
  local hkey = P .. 'host:' .. c.host
  if redis.call('HGET', hkey, 'state') == 'RUNNING' then
    redis.call('ZINCRBY', P .. 'free-slots', num(c.slots, 0), c.host)
    redis.call('HINCRBY', hkey, 'memory-free', num(c.memory, 0))
  end
  local qkey = P .. 'queue:' .. (c.queue or 'default')
  redis.call('HINCRBY', qkey, 'memory', 0 - num(c.memory, 0))
  redis.call('HINCRBY', qkey, 'slots', 0 - num(c.slots, 0))
  redis.call('HINCRBY', qkey, 'containers', -1)
end

-- Ends a container that has not ended: frees it and tells its agent to kill the process.
local function end_container(cid, state, diagnostics, now)
  local ckey = P .. 'container:' .. cid
  local current = redis.call('HGET', ckey, 'state')
  if not current or final_container_state(current) then return end
  redis.call('HSET', ckey, 'state', state, 'diagnostics', diagnostics, 'finished', now)
  free_container(cid)
  if state ~= 'LOST' then
    local host = redis.call('HGET', ckey, 'host')
    tell_host(host, 'kill ' .. cid)
  end
end

local function remove_requests_of(app)
  local reqs = redis.call('SMEMBERS', P .. 'app:' .. app .. ':requests')
  for _, rid in ipairs(reqs) do
    redis.call('ZREM', P .. 'requests', rid)
    redis.call('DEL', P .. 'request:' .. rid)
  end
  redis.call('DEL', P .. 'app:' .. app .. ':requests')
end

local function end_application(app, state, diagnostics, now)
  local akey = P .. 'app:' .. app
  local current = redis.call('HGET', akey, 'state')
  if not current or final_app_state(current) then return end
  redis.call('HSET', akey, 'state', state, 'diagnostics', diagnostics, 'finished', now)
  redis.call('ZREM', P .. 'leases', 'am:' .. app, 'client:' .. app)
  remove_requests_of(app)
  for _, cid in ipairs(redis.call('SMEMBERS', akey .. ':containers')) do
    end_container(cid, 'KILLED', 'Its application ended (' .. state .. ').', now)
  end
end

local function lose_host(host, diagnostics, now)
  local hkey = P .. 'host:' .. host
  if redis.call('HGET', hkey, 'state') ~= 'RUNNING' then return end
  redis.call('ZREM', P .. 'leases', 'host:' .. host)
  for _, cid in ipairs(redis.call('SMEMBERS', hkey .. ':containers')) do
    end_container(cid, 'LOST', diagnostics, now)
  end
  redis.call('HSET', hkey, 'state', 'LOST', 'memory-free', 0)
  redis.call('ZREM', P .. 'free-slots', host)
  redis.call('HINCRBY', P .. 'totals', 'memory', 0 - num(redis.call('HGET', hkey, 'memory-total'), 0))
  redis.call('DEL', hkey .. ':containers')
end

-- Expires leases whose owners stopped heartbeating. After a Redis restart (a new run id) the
-- time Redis was down is given back to every lease first: owners could not renew meanwhile.
local function reap(now)
  local clock = tonumber(redis.call('SET', P .. 'clock', now, 'GET'))
  -- INFO is costly: asked only after a silence, which a restart always is (nobody reached Redis).
  if clock == nil or now - clock > 250 then
    local run_id = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
    local last_run = redis.call('GET', P .. 'run-id')
    if last_run and last_run ~= run_id and clock and now > clock then
      local gap = now - clock
      local leases = redis.call('ZRANGE', P .. 'leases', 0, -1, 'WITHSCORES')
      for i = 1, #leases, 2 do
        redis.call('ZADD', P .. 'leases', tonumber(leases[i + 1]) + gap, leases[i])
      end
    end
    redis.call('SET', P .. 'run-id', run_id)
  end
  local expired = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'WITHSCORES')
  -- Hosts are decided first: an application's lease ends only a quarter TTL after its deadline,
  -- so a JobManager that died with its host (they stop heartbeating within moments of each
  -- other) is LOST with the host, and its application then FAILS, in that order.
  local hosts_first = {}
  for i = 1, #expired, 2 do
    local member, deadline = expired[i], tonumber(expired[i + 1])
    if string.sub(member, 1, 5) == 'host:' then
      table.insert(hosts_first, 1, member)
    elseif deadline <= now - TTL / 4 then
      hosts_first[#hosts_first + 1] = member
    end
  end
  for _, member in ipairs(hosts_first) do
    redis.call('ZREM', P .. 'leases', member)
    local kind, id = string.match(member, '^(%a+):(.+)$')
    if kind == 'host' then
      lose_host(id, 'Its host ' .. id .. ' stopped heartbeating (pool.lease.ttl).', now)
    elseif kind == 'am' then
      end_application(id, 'FAILED', 'Its JobManager stopped heartbeating (pool.lease.ttl).', now)
    elseif kind == 'client' then
      end_application(id, 'KILLED', 'The client that owned it stopped heartbeating (pool.lease.ttl).', now)
    end
  end
end

-- Total memory of the hosts that run: what queue shares are shares of (kept by register-host
-- and lose_host).
local function pool_totals()
  local t = redis.call('HMGET', P .. 'totals', 'memory', 'queues')
  return num(t[1], 0), num(t[2], 0)
end

-- A queue's capacity and maximum capacity (percent) and the memory it uses, from its one hash
-- (definition and usage live together: one read when placing a container).
local function queue_definition(name, queues)
  local q = redis.call('HMGET', P .. 'queue:' .. name, 'capacity', 'maximum-capacity', 'memory')
  local used = num(q[3], 0)
  if q[1] then return num(q[1], 0), num(q[2], 100), used end
  -- Without queue definitions the pool has one queue, 'default', with all of it.
  if name == 'default' and (queues or select(2, pool_totals())) == 0 then return 100, 100, used end
  return nil, nil, used
end

local function has_label(labels, label)
  if label == nil or label == '' then return true end
  for l in string.gmatch(labels or '', '[^,]+') do
    if l == label then return true end
  end
  return false
end

-- The host for a container: a running one with the label and room for it, the one with the
-- most free slots, which spreads TaskManagers over the hosts. `free-slots` indexes the running
-- hosts by free slots, so the usual case looks at one host.
local function pick_host(slots, memory, label)
  local hosts = redis.call('ZREVRANGEBYSCORE', P .. 'free-slots', '+inf', slots)
  for _, host in ipairs(hosts) do
    local h = redis.call('HMGET', P .. 'host:' .. host, 'memory-free', 'labels', 'address')
    if num(h[1], 0) >= memory and has_label(h[2], label) then return host, h[3] end
  end
  return nil, nil
end

local function allocate(rid, r, host, address, now)
  -- YARN's container ids: the epoch and the application's number, from its id, then a sequence.
  local n = redis.call('INCR', P .. 'container-seq')
  local e, app_seq = string.match(r.app, '^application_(%d+)_(%d+)$')
  local cid = 'container_' .. (e or epoch(now)) .. '_' .. (app_seq or '0') .. '_01_' .. pad(n, 6)
  local slots, memory = num(r.slots, 0), num(r.memory, 0)
  local hkey = P .. 'host:' .. host
  redis.call('ZINCRBY', P .. 'free-slots', 0 - slots, host)
  redis.call('HINCRBY', hkey, 'memory-free', 0 - memory)
  local qkey = P .. 'queue:' .. r.queue
  redis.call('HINCRBY', qkey, 'memory', memory)
  redis.call('HINCRBY', qkey, 'slots', slots)
  redis.call('HINCRBY', qkey, 'containers', 1)
  redis.call('HSET', P .. 'container:' .. cid,
    'id', cid, 'app', r.app, 'kind', r.kind, 'host', host,
    'address', address, 'queue', r.queue, 'slots', slots, 'memory', memory,
    'properties', r.properties, 'state', 'ALLOCATED', 'allocated', now, 'diagnostics', '')
  redis.call('SADD', P .. 'app:' .. r.app .. ':containers', cid)
  redis.call('SADD', hkey .. ':containers', cid)
  if r.pending then
    redis.call('ZREM', P .. 'requests', rid)
    redis.call('SREM', P .. 'app:' .. r.app .. ':requests', rid)
    redis.call('DEL', P .. 'request:' .. rid)
  end
  tell_host(host, 'launch ' .. cid)
  return cid
end

-- The capacity scheduler's pass: while a pending request fits, the one of the queue furthest
-- below its guaranteed share goes first (oldest first within a queue); no queue grows beyond
-- its maximum share. A request no host has room for waits, and does not block the others.
local function schedule(now)
  local pending = redis.call('ZRANGE', P .. 'requests', 0, -1)
  if #pending == 0 then return end
  local total, queues = pool_totals()
  if total <= 0 then return end
  local requests, used = {}, {}
  for _, rid in ipairs(pending) do
    local r = hgetall(P .. 'request:' .. rid)
    r.pending = true
    if r.app ~= nil then
      requests[#requests + 1] = { id = rid, r = r }
      if used[r.queue] == nil then used[r.queue] = num(redis.call('HGET', P .. 'queue:' .. r.queue, 'memory'), 0) end
    end
  end
  local skipped = {}
  while true do
    local best, best_ratio = nil, nil
    for i, item in ipairs(requests) do
      if not skipped[i] then
        local q = item.r.queue
        local capacity, maximum = queue_definition(q, queues)
        local memory = num(item.r.memory, 0)
        if capacity ~= nil and used[q] + memory <= maximum * total / 100 then
          local guaranteed = capacity * total / 100
          local ratio = used[q] / math.max(guaranteed, 1)
          if best_ratio == nil or ratio < best_ratio then best, best_ratio = i, ratio end
        else
          skipped[i] = true
        end
      end
    end
    if best == nil then return end
    local item = requests[best]
    local host, address = pick_host(num(item.r.slots, 0), num(item.r.memory, 0), item.r.label)
    skipped[best] = true
    if host ~= nil then
      allocate(item.id, item.r, host, address, now)
      used[item.r.queue] = used[item.r.queue] + num(item.r.memory, 0)
    end
  end
end

local function container_json(cid)
  local c = hgetall(P .. 'container:' .. cid)
  if c.id == nil then return nil end
  return {
    id = c.id, applicationId = c.app, kind = c.kind, hostId = c.host, hostAddress = c.address or '',
    state = c.state, slots = num(c.slots, 0), memoryBytes = num(c.memory, 0), pid = tonumber(c.pid),
    exitCode = tonumber(c['exit-code']), diagnostics = c.diagnostics or '',
  }
end

local function app_json(app)
  local a = hgetall(P .. 'app:' .. app)
  if a.id == nil then return nil end
  return {
    id = a.id, name = a.name, user = a.user, queue = a.queue, type = a.type, state = a.state,
    restAddress = a['rest-address'], diagnostics = a.diagnostics or '', submittedAt = num(a.submitted, 0),
    finishedAt = tonumber(a.finished), nodeLabel = a.label,
  }
end

local NOW = now_ms()
reap(NOW)
