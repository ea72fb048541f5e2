-- finish-application.lua: the application ends (deregistration, or `pool kill`).
-- ARGV[2] application id, ARGV[3] final state (FINISHED|FAILED|KILLED), ARGV[4] diagnostics.
-- Returns 'OK': every container is released and nothing stays leased. ERR_APPLICATION_UNKNOWN.
local app = ARGV[2]
if redis.call('EXISTS', P .. 'app:' .. app) == 0 then return ERR_APPLICATION_UNKNOWN end
if ARGV[3] ~= 'FINISHED' and ARGV[3] ~= 'FAILED' and ARGV[3] ~= 'KILLED' then return ERR_INVALID_ARGUMENT end
end_application(app, ARGV[3], ARGV[4], NOW)
schedule(NOW)
return 'OK'
