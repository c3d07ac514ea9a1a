-- wrk script: availability reads for Ordo (GET /v1/availability?skus=...).
--
--   BENCH_TOKEN=$(bin/token ordo-channel bench-web) \
--     wrk -t2 -c64 -d20s --latency -s bench/availability.lua http://127.0.0.1:8080
--
-- Environment (read in setup/init; all optional except BENCH_TOKEN against the real service):
--   BENCH_TOKEN       bearer token (no Authorization header when empty)
--   BENCH_SKUS        SKU-1..SKU-N to pick from (default 10000, the catalogue of bench/setup.sh)
--   BENCH_PER_CALL    SKUs per request, distinct, random per request (default 50; the API allows 200)
--   BENCH_CHANNEL_PARAM  adds &channel=<it> (default none: a channel token counts its own channel anyway)
-- A request whose status is not 200 is counted and the first one's body printed by done().

local token, skus, per_call, channel_param

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local function read_env()
  token = env("BENCH_TOKEN", "")
  skus = tonumber(env("BENCH_SKUS", "10000"))
  per_call = tonumber(env("BENCH_PER_CALL", "50"))
  channel_param = env("BENCH_CHANNEL_PARAM", "")
  if not skus or skus < 1 or skus ~= math.floor(skus) then error("BENCH_SKUS must be a positive integer") end
  if not per_call or per_call < 1 or per_call > 200 or per_call ~= math.floor(per_call) then
    error("BENCH_PER_CALL must be an integer in 1..200")
  end
  if per_call > skus then per_call = skus end
end

local threads = {}

function setup(thread)
  if #threads == 0 then read_env() end
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

thread_id = 0
n200, nother = 0, 0
first_other = ""
local headers = {}

function init(args)
  read_env()
  math.randomseed(os.time() + thread_id * 7919)
  for _ = 1, 10 do math.random() end
  headers["Accept"] = "application/json"
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
end

function request()
  local picked, parts = {}, {}
  while #parts < per_call do
    local k = math.random(1, skus)
    if not picked[k] then
      picked[k] = true
      parts[#parts + 1] = "SKU-" .. k
    end
  end
  local path = "/v1/availability?skus=" .. table.concat(parts, ",")
  if channel_param ~= "" then path = path .. "&channel=" .. channel_param end
  return wrk.format("GET", path, headers)
end

function response(status, hdrs, body)
  if status == 200 then
    n200 = n200 + 1
  else
    nother = nother + 1
    if first_other == "" then first_other = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local ms = function(p) return latency:percentile(p) / 1000 end
  local ok, other, sample = 0, 0, ""
  for _, t in ipairs(threads) do
    ok = ok + (t:get("n200") or 0)
    other = other + (t:get("nother") or 0)
    local fo = t:get("first_other")
    if sample == "" and fo and fo ~= "" then sample = fo end
  end
  print("")
  print(string.format("== ordo availability: %d SKUs per GET out of SKU-1..SKU-%d ==", per_call, skus))
  print(string.format("requests/s (200)  %.1f   (%d answered 200, %d other, %d completed in %.2f s)",
    ok / secs, ok, other, summary.requests, secs))
  print(string.format("latency ms        p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  mean %.2f",
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000, latency.mean / 1000))
  print(string.format("socket errors     connect %d, read %d, write %d, timeout %d", e.connect, e.read, e.write,
    e.timeout))
  if sample ~= "" then print("first non-200     " .. sample) end
end
