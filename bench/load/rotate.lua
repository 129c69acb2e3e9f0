-- wrk script of scripts/loadtest.sh: the URLs of urls.txt in turn, every other request a
-- "V" URL made unique with offset/limit (a question the server has not answered before,
-- so half the load misses the answer cache), the others the list in order (repeats: the
-- same link opened by many teammates). Counts every status; prints a JSON summary.
local urls, vary = {}, {}
local sid = os.getenv("LOAD_SNAPSHOT") or "synth"
for line in io.lines(os.getenv("LOAD_URLS") or "bench/load/urls.txt") do
  local kind, path = line:match("^(%a) (.+)$")
  if path then
    if path:sub(1, 1) ~= "/" then path = "/api/snapshots/" .. sid .. "/" .. path end
    urls[#urls + 1] = path
    if kind == "V" then vary[#vary + 1] = path end
  end
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

n, statuses = 0, {}
function init(args)
  n = 0
  statuses = {}
end

function request()
  n = n + 1
  local path
  if n % 2 == 0 then
    path = urls[(math.floor(n / 2) + id * 7) % #urls + 1]
  else
    local base = vary[(n + id) % #vary + 1]
    local sep = base:find("?", 1, true) and "&" or "?"
    -- unique per thread and request: offset in 0..996, limit from 4 up
    path = base .. sep .. "offset=" .. ((id * 97 + n) % 997) .. "&limit=" .. (4 + math.floor(n / 997) * 64 + id)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = string.format('"%d": %d', k, v) end
  io.write(string.format(
    'LOADTEST {"requests": %d, "seconds": %.1f, "rps": %.1f, "p50_ms": %.1f, "p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"socket_errors": %d, "timeouts": %d, "non_2xx": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    summary.errors.status, table.concat(parts, ", ")))
end
