-- container-exited.lua: a container's process ended.
-- ARGV[2] host id, ARGV[3] container id, ARGV[4] exit code, ARGV[5] diagnostics.
-- Returns 'OK'. A container that ended on its own is COMPLETED (exit 0) or FAILED; one the
-- pool had ended already (released, lost) keeps that state and gets the exit code.
local ckey = P .. 'container:' .. ARGV[3]
local c = redis.call('HMGET', ckey, 'state', 'host')
if c[1] == false or c[2] ~= ARGV[2] then return ERR_CONTAINER_UNKNOWN end
redis.call('HSET', ckey, 'exit-code', ARGV[4])
if not final_container_state(c[1]) then
  local state = 'FAILED'
  if ARGV[4] == '0' then state = 'COMPLETED' end
  redis.call('HSET', ckey, 'state', state, 'diagnostics', ARGV[5], 'finished', NOW)
  free_container(ARGV[3])
end
redis.call('SREM', P .. 'host:' .. ARGV[2] .. ':containers', ARGV[3])
schedule(NOW)
return 'OK'
