-- GET one thread page; with BENCH_ETAG set, conditionally (If-None-Match: the 304 path).
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local headers = {["Origin"] = os.getenv("BENCH_ORIGIN")}  -- the widget is cross-origin
local etag = os.getenv("BENCH_ETAG")
if etag and etag ~= "" then
  headers["If-None-Match"] = etag
end
local keep = wrk.format("GET", wrk.path, headers)
headers["Connection"] = "close"
local last = wrk.format("GET", wrk.path, headers)
local counter = 0

function setup(thread)
  track(thread)
end

function request()
  counter = counter + 1
  return counter % per_connection == 0 and last or keep
end
