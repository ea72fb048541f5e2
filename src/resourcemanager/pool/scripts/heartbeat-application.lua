-- heartbeat-application.lua: the JobManager ('am') or the attached client ('client') renews
-- its lease on the application.
-- ARGV[2] application id, ARGV[3] owner (am|client).
-- Returns JSON {application, containers}. ERR_APPLICATION_UNKNOWN, ERR_APPLICATION_ENDED.
local app = ARGV[2]
local a = app_json(app)
if a == nil then return ERR_APPLICATION_UNKNOWN end
if final_app_state(a.state) then return ERR_APPLICATION_ENDED end
if ARGV[3] ~= 'am' and ARGV[3] ~= 'client' then return ERR_INVALID_ARGUMENT end
-- A client that detached has no lease to renew; it does not get one back by heartbeating.
if ARGV[3] == 'am' or redis.call('ZSCORE', P .. 'leases', 'client:' .. app) then set_lease(ARGV[3] .. ':' .. app, NOW) end
local containers = {}
for _, cid in ipairs(redis.call('SMEMBERS', P .. 'app:' .. app .. ':containers')) do
  containers[#containers + 1] = container_json(cid)
end
return cjson.encode({ application = a, containers = containers })
