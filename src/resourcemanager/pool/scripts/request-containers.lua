-- request-containers.lua: an application asks for containers.
-- ARGV[2] application id, ARGV[3] kind (jobmanager|taskmanager), ARGV[4] count, ARGV[5]
-- slots each, ARGV[6] memory bytes each, ARGV[7] container properties (JSON object).
-- Returns a JSON array with, for each container, its container id when it was placed at once,
-- else the id of its request, which is placed as soon as capacity frees up.
-- ERR_APPLICATION_UNKNOWN, ERR_APPLICATION_ENDED.
local app = ARGV[2]
local a = redis.call('HMGET', P .. 'app:' .. app, 'state', 'queue', 'label')
if a[1] == false then return ERR_APPLICATION_UNKNOWN end
if final_app_state(a[1]) then return ERR_APPLICATION_ENDED end
local kind, count = ARGV[3], tonumber(ARGV[4])
if (kind ~= 'jobmanager' and kind ~= 'taskmanager') or count == nil or count < 1 then return ERR_INVALID_ARGUMENT end
local ids = {}
local r = { app = app, kind = kind, slots = ARGV[5], memory = ARGV[6], properties = ARGV[7], queue = a[2], label = a[3] or '' }
local slots, memory = num(ARGV[5], 0), num(ARGV[6], 0)
-- Nobody waits: each container is placed at once if the queue and a host have room, without a
-- request record; one that does not fit waits. Otherwise the requests queue up behind the
-- others and the scheduler's pass decides, in its fair order.
local waiting = redis.call('ZCARD', P .. 'requests') > 0
for _ = 1, count do
  local placed = false
  if not waiting then
    local total, queues = pool_totals()
    local _, maximum, used = queue_definition(r.queue, queues)
    if maximum ~= nil and used + memory <= maximum * total / 100 then
      local host, address = pick_host(slots, memory, r.label)
      if host ~= nil then
        -- Placed at once: its id is the container's.
        ids[#ids + 1] = allocate('', r, host, address, NOW)
        placed = true
      end
    end
  end
  if not placed then
    local seq = redis.call('INCR', P .. 'request-seq')
    local rid = app .. '/' .. seq
    ids[#ids + 1] = rid
    redis.call('HSET', P .. 'request:' .. rid, 'app', app, 'kind', kind, 'slots', ARGV[5], 'memory', ARGV[6],
      'properties', ARGV[7], 'queue', r.queue, 'label', r.label, 'requested', NOW)
    redis.call('ZADD', P .. 'requests', seq, rid)
    redis.call('SADD', P .. 'app:' .. app .. ':requests', rid)
  end
end
if waiting then schedule(NOW) end
return cjson.encode(ids)
