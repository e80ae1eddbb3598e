-- Argo CD health check for kubetrade.io/TradingBot (resource.customizations.health.kubetrade.io_TradingBot).
-- Healthy when Ready; Degraded when the bot is Degraded or was RolledBack; Progressing otherwise.
local hs = { status = "Progressing", message = "Waiting for the operator to reconcile the TradingBot" }
if obj.status == nil then
  return hs
end
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and obj.status.observedGeneration ~= nil and obj.status.observedGeneration < generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end
local ready, degraded, rolledBack
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then ready = c end
    if c.type == "Degraded" and c.status == "True" then degraded = c end
    if c.type == "RolledBack" and c.status == "True" then rolledBack = c end
  end
end
if degraded ~= nil or obj.status.phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = (degraded and degraded.message) or "TradingBot is Degraded"
  return hs
end
if rolledBack ~= nil or obj.status.phase == "RolledBack" then
  hs.status = "Degraded"
  hs.message = (rolledBack and rolledBack.message) or "TradingBot was rolled back to its stable revision"
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "TradingBot is Ready"
  return hs
end
if ready ~= nil and ready.message ~= nil then
  hs.message = ready.message
end
return hs
