-- Shared by the wrk scripts: print the summary as one JSON line for bench/run.py.

-- Many readers, not a few everlasting connections: every Nth request of a connection asks
-- the server to close it, as readers' browsers come and go (Isso's gunicorn sync workers close
-- every connection after its answer anyway; bench/connections.py shows how our server's
-- workers share connections kept alive for good).
per_connection = tonumber(os.getenv("BENCH_REQUESTS_PER_CONNECTION") or "20")

-- With BENCH_COUNT_STATUSES set, answers other than 2xx (and 304, the conditional read's
-- success) are counted: wrk itself counts only those above 399. Off by default, because a
-- response() function makes wrk copy every body into Lua, a cost that would weigh on the
-- fastest runs most.
local threads = {}
function track(thread)
  table.insert(threads, thread)
end
not_ok = 0
if os.getenv("BENCH_COUNT_STATUSES") then
  function response(status, headers, body)
    if (status < 200 or status > 299) and status ~= 304 then
      not_ok = not_ok + 1
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local counted = -1
  if os.getenv("BENCH_COUNT_STATUSES") then
    counted = 0
    for _, thread in ipairs(threads) do
      counted = counted + thread:get("not_ok")
    end
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "not_2xx": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout, counted))
end
