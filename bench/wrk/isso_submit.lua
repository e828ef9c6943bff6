-- Isso's POST /new?uri=... with the same unique authors, bodies and spread over threads as
-- submit.lua sends ours; a title comes along, so Isso never fetches a new thread's page.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local threads = tonumber(os.getenv("BENCH_THREADS") or "100")
local run = os.getenv("BENCH_RUN") or "run"
local origin = os.getenv("BENCH_ORIGIN")  -- Isso's widget is cross-origin too
local counter = 0
local id = 0
local nextid = 0

function setup(thread)
  track(thread)
  nextid = nextid + 1
  thread:set("id", nextid)
end

function request()
  counter = counter + 1
  local n = counter * 16 + id
  local body = string.format(
    '{"text": "Comment %s-%d on the council budget: the figures in paragraph three do not ' ..
    'add up, and the *deadline* seems rushed.", "author": "Reader %d", ' ..
    '"email": "reader-%s-%d@bench.example", "title": "Bench thread %d"}',
    run, n, n % 5000, run, n, n % threads)
  local headers = {["Content-Type"] = "application/json", ["Origin"] = origin}
  if counter % per_connection == 0 then
    headers["Connection"] = "close"
  end
  return wrk.format("POST", string.format("/new?uri=/bench/%s/%d", run, n % threads),
                    headers, body)
end
