-- request-containers.lua: an application asks for containers.
-- ARGV[2] application id, ARGV[3] kind (jobmanager|taskmanager), ARGV[4] count, ARGV[5]
-- slots each, ARGV[6] memory bytes each, ARGV[7] container properties (JSON object).
-- Returns a JSON array of request ids. The requests are placed at once when capacity allows,
-- otherwise as soon as it frees up. ERR_APPLICATION_UNKNOWN, ERR_APPLICATION_ENDED.
local app = ARGV[2]
local a = redis.call('HMGET', P .. 'app:' .. app, 'state', 'queue', 'label')
if a[1] == false then return ERR_APPLICATION_UNKNOWN end
if final_app_state(a[1]) then return ERR_APPLICATION_ENDED end
local kind, count = ARGV[3], tonumber(ARGV[4])
if (kind ~= 'jobmanager' and kind ~= 'taskmanager') or count == nil or count < 1 then return ERR_INVALID_ARGUMENT end
local ids = {}
for _ = 1, count do
  local seq = redis.call('INCR', P .. 'request-seq')
  local rid = app .. '/' .. seq
  local fields = { 'app', app, 'kind', kind, 'slots', ARGV[5], 'memory', ARGV[6], 'properties', ARGV[7],
    'queue', a[2], 'label', a[3] or '', 'requested', NOW }
  redis.call('HSET', P .. 'request:' .. rid, unpack(fields))
  redis.call('ZADD', P .. 'requests', seq, rid)
  redis.call('SADD', P .. 'app:' .. app .. ':requests', rid)
  ids[#ids + 1] = rid
end
schedule(NOW)
return cjson.encode(ids)
