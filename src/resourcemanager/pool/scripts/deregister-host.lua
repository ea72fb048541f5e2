-- deregister-host.lua: an agent leaves the pool (it stopped its containers first).
-- ARGV[2] host id.
-- Returns 'OK'; the host stays listed as LOST until it registers again.
lose_host(ARGV[2], 'Its agent stopped.', NOW)
return 'OK'
