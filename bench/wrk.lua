-- One benchmark scenario for wrk (https://github.com/wg/wrk), configured by bench/run.py through
-- the environment. Prints one "BENCH_JSON {...}" line with the latency percentiles (microseconds).
--
--   BENCH_METHOD        GET (default) or POST
--   BENCH_HOST          Host header (the organisation's hostname)
--   BENCH_COOKIE        Cookie header (a session of the persona)
--   BENCH_AUTH          Authorization header (API token)
--   BENCH_PATHS_FILE    one path per line, taken in turn by each connection (case pages, searches)
--   BENCH_BODY_FILE     request body (POST), e.g. a multipart submission with a file
--   BENCH_CONTENT_TYPE  Content-Type of the body
--   BENCH_IDEMPOTENCY   when set, a unique Idempotency-Key per request (every POST files a new case)

local method = os.getenv("BENCH_METHOD") or "GET"
local host = os.getenv("BENCH_HOST")
local cookie = os.getenv("BENCH_COOKIE")
local auth = os.getenv("BENCH_AUTH")
local content_type = os.getenv("BENCH_CONTENT_TYPE")
local idempotency = os.getenv("BENCH_IDEMPOTENCY")
local paths = {}
local body = nil
local counter = 0
local thread_id = 0
local threads = {}

local function read_file(name)
  local handle = assert(io.open(name, "rb"))
  local content = handle:read("*a")
  handle:close()
  return content
end

setup = function(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  local paths_file = os.getenv("BENCH_PATHS_FILE")
  if paths_file then
    for line in io.lines(paths_file) do
      if line ~= "" then table.insert(paths, line) end
    end
  end
  local body_file = os.getenv("BENCH_BODY_FILE")
  if body_file then body = read_file(body_file) end
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
  counter = thread_id * 1000
end

request = function()
  counter = counter + 1
  local headers = {}
  if host then headers["Host"] = host end
  if cookie then headers["Cookie"] = cookie end
  if auth then headers["Authorization"] = auth end
  if content_type then headers["Content-Type"] = content_type end
  if idempotency then
    headers["Idempotency-Key"] = idempotency .. "-" .. thread_id .. "-" .. counter .. "-" .. os.time()
  end
  local path = wrk.path
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  return wrk.format(method, path, headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"http_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
