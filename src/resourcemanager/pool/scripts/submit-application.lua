-- submit-application.lua: a new application (ACCEPTED until its JobManager registers).
-- ARGV[2] name, ARGV[3] user, ARGV[4] queue, ARGV[5] type (session|per-job|application),
-- ARGV[6] node label ('' for none), ARGV[7] configuration (JSON object), ARGV[8] artifact
-- sha256 ('' for none), ARGV[9] '1' when the submitting client holds a lease.
-- Returns the application id (application_<epoch>_<nnnn>), or ERR_QUEUE_UNKNOWN.
local queue = ARGV[4]
if queue_definition(queue) == nil then return ERR_QUEUE_UNKNOWN end
local seq = redis.call('INCR', P .. 'app-seq')
local app = 'application_' .. epoch(NOW) .. '_' .. pad(seq, 4)
local fields = { 'id', app, 'name', ARGV[2], 'user', ARGV[3], 'queue', queue, 'type', ARGV[5],
  'state', 'ACCEPTED', 'configuration', ARGV[7], 'submitted', NOW, 'diagnostics', '' }
if ARGV[6] ~= '' then fields[#fields + 1] = 'label'; fields[#fields + 1] = ARGV[6] end
if ARGV[8] ~= '' then fields[#fields + 1] = 'artifact'; fields[#fields + 1] = ARGV[8] end
redis.call('HSET', P .. 'app:' .. app, unpack(fields))
redis.call('ZADD', P .. 'apps', seq, app)
-- Until its JobManager runs, the client holds the application; without a client lease, a
-- JobManager that does not register within one TTL lets it expire.
if ARGV[9] == '1' then set_lease('client:' .. app, NOW) else set_lease('am:' .. app, NOW) end
return app
