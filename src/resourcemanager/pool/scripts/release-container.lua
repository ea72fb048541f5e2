-- release-container.lua: an application gives a container back.
-- ARGV[2] application id, ARGV[3] container id, ARGV[4] diagnostics.
-- Returns 'OK'; the capacity is free at once and the agent kills the process.
-- ERR_CONTAINER_UNKNOWN when the container is not the application's.
local cid = ARGV[3]
if redis.call('HGET', P .. 'container:' .. cid, 'app') ~= ARGV[2] then return ERR_CONTAINER_UNKNOWN end
end_container(cid, 'KILLED', ARGV[4], NOW)
schedule(NOW)
return 'OK'
