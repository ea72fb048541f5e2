-- launch-spec.lua: what an agent needs to launch a container.
-- ARGV[2] container id.
-- Returns JSON {containerId, applicationId, kind, slots, memoryBytes, configuration,
-- containerProperties, artifactSha256, state}, or ERR_CONTAINER_UNKNOWN.
local c = hgetall(P .. 'container:' .. ARGV[2])
if c.id == nil then return ERR_CONTAINER_UNKNOWN end
local a = hgetall(P .. 'app:' .. c.app)
return cjson.encode({
  containerId = c.id, applicationId = c.app, kind = c.kind, hostId = c.host, state = c.state,
  slots = num(c.slots, 0), memoryBytes = num(c.memory, 0),
  configuration = a.configuration or '{}', containerProperties = c.properties or '{}',
  artifactSha256 = a.artifact,
})
