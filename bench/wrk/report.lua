-- Shared by the wrk scripts: print the summary as one JSON line for bench/run.py.

-- Many readers, not a few everlasting connections: every Nth request of a connection asks
-- the server to close it, so connections spread over the gunicorn workers as real traffic
-- does (a gthread worker keeps every connection it accepted).
per_connection = tonumber(os.getenv("BENCH_REQUESTS_PER_CONNECTION") or "20")
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout))
end
