-- read-state.lua: a consistent view of part of the pool (after expiring leases).
-- ARGV[2] what: 'status' (hosts and queues), 'application' (ARGV[3] id), 'applications'
-- (ARGV[3] '1' to include ended ones), 'containers' (ARGV[3] application id).
-- Returns JSON.
local what = ARGV[2]
if what == 'application' then
  local a = app_json(ARGV[3])
  if a == nil then return cjson.encode({}) end
  return cjson.encode(a)
elseif what == 'applications' then
  local out = {}
  for _, app in ipairs(redis.call('ZRANGE', P .. 'apps', 0, -1)) do
    local a = app_json(app)
    if a ~= nil and (ARGV[3] == '1' or not final_app_state(a.state)) then out[#out + 1] = a end
  end
  return cjson.encode(out)
elseif what == 'containers' then
  local out = {}
  for _, cid in ipairs(redis.call('SMEMBERS', P .. 'app:' .. ARGV[3] .. ':containers')) do
    out[#out + 1] = container_json(cid)
  end
  return cjson.encode(out)
elseif what == 'status' then
  local hosts = {}
  for _, host in ipairs(redis.call('SMEMBERS', P .. 'hosts')) do
    local h = hgetall(P .. 'host:' .. host)
    hosts[#hosts + 1] = {
      id = h.id, address = h.address, state = h.state, slotsTotal = num(h['slots-total'], 0),
      slotsFree = num(redis.call('ZSCORE', P .. 'free-slots', host), 0), memoryTotal = num(h['memory-total'], 0),
      memoryFree = num(h['memory-free'], 0), labels = h.labels or '', agentRestAddress = h['agent-rest'] or '',
      lastHeartbeat = num(h.heartbeat, 0),
    }
  end
  local names = redis.call('SMEMBERS', P .. 'queues')
  if #names == 0 then names = { 'default' } end
  local pending = {}
  for _, rid in ipairs(redis.call('ZRANGE', P .. 'requests', 0, -1)) do
    local q = redis.call('HGET', P .. 'request:' .. rid, 'queue')
    if q then pending[q] = (pending[q] or 0) + 1 end
  end
  local queues = {}
  for _, name in ipairs(names) do
    local capacity, maximum = queue_definition(name)
    local u = redis.call('HMGET', P .. 'queue:' .. name, 'memory', 'slots', 'containers')
    queues[#queues + 1] = {
      name = name, capacity = capacity, maximumCapacity = maximum, usedMemory = num(u[1], 0),
      usedSlots = num(u[2], 0), runningContainers = num(u[3], 0), pendingRequests = pending[name] or 0,
    }
  end
  return cjson.encode({ hosts = hosts, queues = queues })
end
return ERR_INVALID_ARGUMENT
