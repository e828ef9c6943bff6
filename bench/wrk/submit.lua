-- POST /api/v1/comments with a unique author and body per request (no 409 duplicates).
-- BENCH_SITE, BENCH_ORIGIN, BENCH_THREADS (spread over that many threads) come from the
-- environment.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local site = os.getenv("BENCH_SITE")
local threads = tonumber(os.getenv("BENCH_THREADS") or "100")
local run = os.getenv("BENCH_RUN") or "run"
local origin = os.getenv("BENCH_ORIGIN")  -- the widget is cross-origin: CORS runs as in production
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
    '{"site": "%s", "thread": "bench/%s/%d", "body": "Comment %s-%d on the council budget: ' ..
    'the figures in paragraph three do not add up, and the *deadline* seems rushed.", ' ..
    '"author_name": "Reader %d", "author_email": "reader-%s-%d@bench.example"}',
    site, run, n % threads, run, n, n % 5000, run, n)
  local headers = {["Content-Type"] = "application/json", ["Origin"] = origin}
  if counter % per_connection == 0 then
    headers["Connection"] = "close"
  end
  return wrk.format("POST", "/api/v1/comments", headers, body)
end
