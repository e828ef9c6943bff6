-- POST /api/v1/comments with a unique author and body per request (no 409 duplicates).
-- BENCH_SITE, BENCH_ORIGIN, BENCH_THREADS (spread over that many threads) come from the
-- environment.
dofile(os.getenv("BENCH_WRK_DIR") .. "/posting.lua")

local site = os.getenv("BENCH_SITE")

function request()
  local n = next_number()
  local body = string.format(
    '{"site": "%s", "thread": "bench/%s/%d", "body": "Comment %s-%d on the council budget: ' ..
    'the figures in paragraph three do not add up, and the *deadline* seems rushed.", ' ..
    '"author_name": "Reader %d", "author_email": "reader-%s-%d@bench.example"}',
    site, run, n % threads, run, n, n % 5000, run, n)
  return wrk.format("POST", "/api/v1/comments", post_headers(), body)
end
