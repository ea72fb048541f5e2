-- put-artifact.lua: stores a job artifact under its sha256, for application clusters.
-- ARGV[2] sha256 (hex), ARGV[3] content, ARGV[4] time to keep it in ms.
-- Returns 'OK'. Content-addressed: storing it again only extends its life.
if not string.match(ARGV[2], '^%x+$') or #ARGV[2] ~= 64 then return ERR_INVALID_ARGUMENT end
local key = P .. 'artifact:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then
  redis.call('PEXPIRE', key, tonumber(ARGV[4]))
else
  redis.call('SET', key, ARGV[3], 'PX', tonumber(ARGV[4]))
end
return 'OK'
