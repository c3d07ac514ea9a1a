-- wrk script: order intake load for Ordo (POST /v1/orders).
--
--   BENCH_TOKEN=$(bin/token ordo-channel bench-web) \
--     wrk -t2 -c64 -d30s --latency -s bench/orders.lua http://127.0.0.1:8080
--
-- Environment (read in setup/init; all optional except BENCH_TOKEN against the real service):
--   BENCH_MODE          uniform (default): 1-3 lines, distinct random SKUs SKU-1..SKU-N, quantity 1-2
--                       hot: every order is one line of BENCH_HOT_SKU (HOT-1) quantity 1
--   BENCH_TOKEN         bearer token (no Authorization header when empty)
--   BENCH_SKUS          N, number of SKUs in uniform mode (default 10000)
--   BENCH_MAX_LINES     most lines per order in uniform mode (default 3)
--   BENCH_HOT_SKU       SKU of hot mode (default HOT-1)
--   BENCH_CHANNEL       channel named in the body (default bench-web); BENCH_OMIT_CHANNEL=1 leaves it out
--                       (a channel token may omit it; an admin token must name it)
--   BENCH_RUN_ID        prefix that makes externalIds unique across runs (default: time + random bytes)
--   BENCH_PATH          request path (default /v1/orders)   BENCH_METHOD  (default POST)
--   BENCH_DELAY_MS      pause of each connection between a response and its next request (default 0): a
--                       paced load, e.g. for the latency at about half the peak rate (c32 and 25 ms: ~1,000/s)
--   BENCH_COUNT_STATUS  1 (default): count 2xx / 409 / other statuses with a response() callback;
--                       0: drop the callback (wrk then skips parsing headers and bodies, a little faster),
--                       orders/s is then requests minus wrk's status errors
--
-- externalId = B-<run id>-<thread id>-<counter>: unique per thread, per run, across reruns.

local mode, token, skus, max_lines, hot_sku, channel, omit_channel, path, method, count_status

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local function read_env()
  mode         = env("BENCH_MODE", "uniform")
  token        = env("BENCH_TOKEN", "")
  skus         = tonumber(env("BENCH_SKUS", "10000"))
  max_lines    = tonumber(env("BENCH_MAX_LINES", "3"))
  hot_sku      = env("BENCH_HOT_SKU", "HOT-1")
  channel      = env("BENCH_CHANNEL", "bench-web")
  omit_channel = env("BENCH_OMIT_CHANNEL", "0") == "1"
  path         = env("BENCH_PATH", "/v1/orders")
  method       = env("BENCH_METHOD", "POST")
  count_status = env("BENCH_COUNT_STATUS", "1") ~= "0"
  if mode ~= "uniform" and mode ~= "hot" then
    error("BENCH_MODE must be uniform or hot, got '" .. mode .. "'")
  end
  if not skus or skus < 1 or skus ~= math.floor(skus) then
    error("BENCH_SKUS must be a positive integer")
  end
  if not max_lines or max_lines < 1 or max_lines ~= math.floor(max_lines) then
    error("BENCH_MAX_LINES must be a positive integer")
  end
  if max_lines > skus then max_lines = skus end
end

-- Setup phase (its own Lua state; also where done() runs) -------------------------------------------

local threads = {}
local setup_run_id = nil

local function random_hex(bytes)
  local f = io.open("/dev/urandom", "rb")
  if not f then return string.format("%x", math.floor(os.clock() * 1e6)) end
  local s = f:read(bytes)
  f:close()
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function setup(thread)
  if setup_run_id == nil then
    read_env()
    setup_run_id = env("BENCH_RUN_ID", string.format("%x", os.time()) .. random_hex(4))
  end
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
  thread:set("run_id", setup_run_id)
end

-- Running phase (one Lua state per wrk thread) ---------------------------------------------------

-- Globals, set per thread by setup() through thread:set().
thread_id = 0
run_id = "norun"
counter = 0
-- Per-thread results, fetched by done() through thread:get().
n2xx, n409, nother = 0, 0, 0
statuses = {}
first_other = ""

local headers = {}
local prefix = ""   -- body up to the externalId value
local middle = ""   -- body from the end of the externalId to the start of the lines array
local id_prefix = ""

local function json_escape(s)
  return (s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end))
end

function init(args)
  local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
  if pause > 0 then
    -- wrk looks for delay() after init: defined only when pacing, so an unpaced run pays nothing for it
    function delay() return pause end
  end
  read_env()
  -- Seed differently per thread and per run so that threads do not walk the same SKU sequence.
  local seed = os.time() + thread_id * 7919
  for i = 1, #run_id do seed = (seed * 31 + run_id:byte(i)) % 2147483647 end
  math.randomseed(seed)
  for _ = 1, 10 do math.random() end

  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end

  prefix = "{"
  if not omit_channel then prefix = prefix .. '"channel":"' .. json_escape(channel) .. '",' end
  prefix = prefix .. '"externalId":"'
  middle = '","currency":"EUR","customer":{"email":"a@example.com","name":"A"},'
    .. '"shippingAddress":{"line1":"Rua A 1","city":"Lisboa","postalCode":"1000-001","country":"PT"},'
    .. '"lines":['
  id_prefix = "B-" .. run_id .. "-" .. thread_id .. "-"

  if not count_status then
    response = nil  -- wrk stops parsing headers/bodies when response is nil after init()
  end
end

local hot_line = nil

local function lines_json()
  if mode == "hot" then
    if hot_line == nil then
      hot_line = '{"sku":"' .. json_escape(hot_sku) .. '","quantity":1,"unitPrice":"19.90"}'
    end
    return hot_line
  end
  local n = math.random(1, max_lines)
  local picked = {}
  local parts = {}
  while #parts < n do
    local k = math.random(1, skus)
    if not picked[k] then
      picked[k] = true
      parts[#parts + 1] = '{"sku":"SKU-' .. k .. '","quantity":' .. math.random(1, 2) .. ',"unitPrice":"19.90"}'
    end
  end
  return table.concat(parts, ",")
end

function request()
  counter = counter + 1
  local body = prefix .. id_prefix .. counter .. middle .. lines_json() .. "]}"
  return wrk.format(method, path, headers, body)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    n2xx = n2xx + 1
  elseif status == 409 then
    n409 = n409 + 1
  else
    nother = nother + 1
    if first_other == "" then
      first_other = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

-- Done phase ----------------------------------------------------------------------------------------

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local ms = function(p) return latency:percentile(p) / 1000 end

  local c2xx, c409, cother, sent = 0, 0, 0, 0
  local all = {}
  local samples = {}
  for _, t in ipairs(threads) do
    c2xx = c2xx + (t:get("n2xx") or 0)
    c409 = c409 + (t:get("n409") or 0)
    cother = cother + (t:get("nother") or 0)
    sent = sent + (t:get("counter") or 0)
    local st = t:get("statuses") or {}
    for k, v in pairs(st) do all[k] = (all[k] or 0) + v end
    local fo = t:get("first_other")
    if fo and fo ~= "" and fo ~= samples[#samples] then samples[#samples + 1] = fo end
  end
  local ok
  if count_status then ok = c2xx else ok = summary.requests - e.status end

  print("")
  print(string.format("== ordo order intake: mode %s, %s, run %s ==", mode,
    mode == "hot" and ("sku " .. hot_sku) or (skus .. " SKUs, 1-" .. max_lines .. " lines"), setup_run_id))
  print(string.format("requests        %d completed (%d sent), %.0f req/s", summary.requests, sent,
    summary.requests / secs))
  print(string.format("duration        %.2f s", secs))
  print(string.format("orders/s (2xx)  %.1f   (%d orders%s)", ok / secs, ok,
    count_status and "" or ", = requests - status errors; BENCH_COUNT_STATUS=0"))
  print(string.format("latency ms      p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  mean %.2f",
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000, latency.mean / 1000))
  print(string.format("non-2xx         %d (wrk status errors, >399)", e.status))
  if count_status then
    local keys = {}
    for k in pairs(all) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = k .. ": " .. all[k] end
    print(string.format("  409 (shortage/duplicate) %d, other non-2xx %d   [by status: %s]", c409, cother,
      table.concat(parts, ", ")))
    for i = 1, math.min(#samples, 2) do print("  sample other: " .. samples[i]) end
  end
  print(string.format("socket errors   %d (connect %d, read %d, write %d, timeout %d)", socket_errors,
    e.connect, e.read, e.write, e.timeout))
  -- One machine-readable line for scripts that collect results.
  print(string.format("RESULT mode=%s requests=%d duration_s=%.2f orders_per_s=%.1f p50_ms=%.2f p90_ms=%.2f " ..
    "p99_ms=%.2f p999_ms=%.2f non2xx=%d n409=%s other_non2xx=%s socket_errors=%d run=%s",
    mode, summary.requests, secs, ok / secs, ms(50), ms(90), ms(99), ms(99.9), e.status,
    count_status and tostring(c409) or "na", count_status and tostring(cother) or "na", socket_errors, setup_run_id))
end
