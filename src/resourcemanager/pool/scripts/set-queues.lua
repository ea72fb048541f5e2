-- set-queues.lua: replaces the queue definitions (conf/pool-queues.yaml).
-- ARGV[2] JSON array of {name, capacity, maximumCapacity} (percent).
-- Returns 'OK', or ERR_QUEUES_INVALID when the capacities do not add up to 100 or a maximum
-- is below its capacity (checked again here: the definitions are shared by every client).
local queues = cjson.decode(ARGV[2])
local sum = 0
for _, q in ipairs(queues) do
  local c, m = tonumber(q.capacity), tonumber(q.maximumCapacity)
  if type(q.name) ~= 'string' or c == nil or m == nil or c < 0 or m < c or m > 100 then return ERR_QUEUES_INVALID end
  sum = sum + c
end
if #queues > 0 and math.abs(sum - 100) > 0.001 then return ERR_QUEUES_INVALID end
-- A queue's hash also holds what it uses: only the definitions go.
for _, name in ipairs(redis.call('SMEMBERS', P .. 'queues')) do redis.call('HDEL', P .. 'queue:' .. name, 'capacity', 'maximum-capacity') end
redis.call('DEL', P .. 'queues')
for _, q in ipairs(queues) do
  redis.call('HSET', P .. 'queue:' .. q.name, 'capacity', q.capacity, 'maximum-capacity', q.maximumCapacity)
  redis.call('SADD', P .. 'queues', q.name)
end
redis.call('HSET', P .. 'totals', 'queues', #queues)
schedule(NOW)
return 'OK'
