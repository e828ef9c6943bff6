-- What the two submission scripts share: wrk's reporting, the run's settings from the
-- environment, a request number unique within the run (the bench runs wrk with one thread,
-- one Lua state), and the headers of a widget's POST
-- (cross-origin, as in production; every per_connection-th one closes its connection).
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

threads = tonumber(os.getenv("BENCH_THREADS") or "100")
run = os.getenv("BENCH_RUN") or "run"
local origin = os.getenv("BENCH_ORIGIN")
local counter = 0

function setup(thread)
  track(thread)
end

function next_number()
  counter = counter + 1
  return counter
end

function post_headers()
  local headers = {["Content-Type"] = "application/json", ["Origin"] = origin}
  if counter % per_connection == 0 then
    headers["Connection"] = "close"
  end
  return headers
end
