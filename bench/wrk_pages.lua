-- wrk script for bench/load.py: replays one page's requests (each signed-in user's own
-- cookie, CSRF token and body) round-robin, stops after a request budget, and counts a
-- response as bad unless it has the expected status (and, if given, contains a marker).
--
--   wrk -s bench/wrk_pages.lua URL -- REQUESTS_FILE MAX_PER_THREAD STATUS THREADS [MARKER]
--
-- REQUESTS_FILE: one request per line, tab-separated: METHOD, PATH, BODY, then headers
-- as "Name: value". The summary is printed as one JSON line starting with "RESULT ".

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function split(line, separator)
  local fields = {}
  for field in (line .. separator):gmatch("(.-)" .. separator) do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do
    table.insert(lines, line)
  end
  max_requests = tonumber(args[2])
  expected_status = tonumber(args[3])
  local thread_count = tonumber(args[4])
  marker = args[5]
  -- With enough users, each thread takes its own share of them, so one user's requests
  -- never run on two threads at once (a phone sends one autosave at a time).
  local share = #lines >= thread_count
  prepared = {}
  for index, line in ipairs(lines) do
    if not share or (index - 1) % thread_count == id - 1 then
      local fields = split(line, "\t")
      local headers = {}
      for field = 4, #fields do
        local name, value = fields[field]:match("^([^:]+): (.*)$")
        headers[name] = value
      end
      local body = fields[3] ~= "" and fields[3] or nil
      table.insert(prepared, wrk.format(fields[1], fields[2], headers, body))
    end
  end
  cursor = 0
  received = 0
  bad = 0
end

function request()
  cursor = cursor % #prepared + 1
  return prepared[cursor]
end

function response(status, headers, body)
  received = received + 1
  if status ~= expected_status or (marker and not string.find(body, marker, 1, true)) then
    bad = bad + 1
    if not sample then
      sample = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
  if received >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    sample = thread:get("sample") or sample
  end
  -- what the first bad response looked like, JSON-escaped the simple way
  sample = sample:gsub("[%c\\\"]", " ")
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "bad": %d, "bad_sample": "%s",'
      .. ' "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d,'
      .. ' "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, bad_total, sample,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
