-- release-lease.lua: an owner gives up its lease on an application (a client that detaches).
-- ARGV[2] application id, ARGV[3] owner (am|client).
-- Returns 'OK'.
redis.call('ZREM', P .. 'leases', ARGV[3] .. ':' .. ARGV[2])
return 'OK'
