-- register-application-master.lua: the application's JobManager runs.
-- ARGV[2] application id, ARGV[3] REST address of the JobManager.
-- Returns 'OK': the application is RUNNING and held by the JobManager's lease ('am').
-- ERR_APPLICATION_UNKNOWN, ERR_APPLICATION_ENDED.
local app = ARGV[2]
local state = redis.call('HGET', P .. 'app:' .. app, 'state')
if state == false then return ERR_APPLICATION_UNKNOWN end
if final_app_state(state) then return ERR_APPLICATION_ENDED end
redis.call('HSET', P .. 'app:' .. app, 'state', 'RUNNING', 'rest-address', ARGV[3], 'started', NOW)
set_lease('am:' .. app, NOW)
return 'OK'
