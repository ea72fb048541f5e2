-- register-host.lua: an agent (re)joins the pool with its host's capacity.
-- ARGV[2] host id, ARGV[3] address, ARGV[4] slots, ARGV[5] memory bytes, ARGV[6] labels
-- (comma-separated), ARGV[7] agent REST address.
-- Returns 'OK'. Containers the pool had placed on the host before are LOST by now (their
-- agent is new), so the host starts empty.
local host, address, slots, memory = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if host == '' or slots == nil or memory == nil or slots < 0 or memory < 0 then return ERR_INVALID_ARGUMENT end
local hkey = P .. 'host:' .. host
lose_host(host, 'Its agent registered again: the processes it ran are gone.', NOW)
redis.call('HSET', hkey, 'id', host, 'address', address, 'state', 'RUNNING',
  'slots-total', slots, 'memory-total', memory, 'memory-free', memory,
  'labels', ARGV[6], 'agent-rest', ARGV[7], 'registered', NOW, 'heartbeat', NOW)
redis.call('DEL', hkey .. ':containers')
redis.call('SADD', P .. 'hosts', host)
redis.call('ZADD', P .. 'free-slots', slots, host)
redis.call('HINCRBY', P .. 'totals', 'memory', memory)
set_lease('host:' .. host, NOW)
schedule(NOW)
return 'OK'
