-- cancel-request.lua: an application no longer needs a pending container request.
-- ARGV[2] application id, ARGV[3] request id.
-- Returns 1 when it was pending, 0 when it was placed already (or unknown).
local rid = ARGV[3]
if redis.call('SREM', P .. 'app:' .. ARGV[2] .. ':requests', rid) == 0 then return 0 end
redis.call('ZREM', P .. 'requests', rid)
redis.call('DEL', P .. 'request:' .. rid)
return 1
