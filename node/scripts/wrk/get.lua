-- wrk script: GET a random key of 10,000 (WRK_KEYS); write them first with put.lua.
-- Usage: wrk -t1 -c64 -d10s --latency -s node/scripts/wrk/get.lua http://127.0.0.1:8080
local keys = tonumber(os.getenv("WRK_KEYS") or "10000")
request = function()
  return wrk.format("GET", "/v1/kv/bench-" .. math.random(0, keys - 1))
end
