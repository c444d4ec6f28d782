-- wrk script: PUT a 100-byte value (override with WRK_VALUE_SIZE) to a random key of 10,000
-- (WRK_KEYS). Usage: wrk -t1 -c256 -d10s --latency -s node/scripts/wrk/put.lua http://127.0.0.1:8080
local size = tonumber(os.getenv("WRK_VALUE_SIZE") or "100")
local keys = tonumber(os.getenv("WRK_KEYS") or "10000")
local value = string.rep("v", size)
request = function()
  return wrk.format("PUT", "/v1/kv/bench-" .. math.random(0, keys - 1), nil, value)
end
