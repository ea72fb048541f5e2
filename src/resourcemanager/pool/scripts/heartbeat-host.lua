-- heartbeat-host.lua: an agent renews its host's lease.
-- ARGV[2] host id.
-- Returns a JSON array of the ids of the containers that should run on the host (ALLOCATED or
-- RUNNING); the agent starts the missing ones and kills any other. ERR_HOST_UNKNOWN when the
-- pool lost the host (its lease expired): the agent registers again.
local host = ARGV[2]
local hkey = P .. 'host:' .. host
if redis.call('HGET', hkey, 'state') ~= 'RUNNING' then return ERR_HOST_UNKNOWN end
redis.call('HSET', hkey, 'heartbeat', NOW)
set_lease('host:' .. host, NOW)
local wanted = {}
for _, cid in ipairs(redis.call('SMEMBERS', hkey .. ':containers')) do
  local state = redis.call('HGET', P .. 'container:' .. cid, 'state')
  if state == 'ALLOCATED' or state == 'RUNNING' then
    wanted[#wanted + 1] = cid
  elseif state == nil or final_container_state(state) then
    redis.call('SREM', hkey .. ':containers', cid)
  end
end
return cjson.encode(wanted)
