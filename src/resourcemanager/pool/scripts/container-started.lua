-- container-started.lua: an agent started a container's process.
-- ARGV[2] host id, ARGV[3] container id, ARGV[4] pid.
-- Returns 1 when the container is RUNNING now, 0 when it is no longer wanted (released, its
-- application ended, or not placed on this host): the agent kills the process.
local ckey = P .. 'container:' .. ARGV[3]
local c = redis.call('HMGET', ckey, 'state', 'host')
if c[1] ~= 'ALLOCATED' or c[2] ~= ARGV[2] then return 0 end
redis.call('HSET', ckey, 'state', 'RUNNING', 'pid', ARGV[4], 'started', NOW)
return 1
