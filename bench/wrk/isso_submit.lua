-- Isso's POST /new?uri=... with the same unique authors, bodies and spread over threads as
-- submit.lua sends ours; a title comes along, so Isso never fetches a new thread's page.
dofile(os.getenv("BENCH_WRK_DIR") .. "/posting.lua")

function request()
  local n = next_number()
  local body = string.format(
    '{"text": "Comment %s-%d on the council budget: the figures in paragraph three do not ' ..
    'add up, and the *deadline* seems rushed.", "author": "Reader %d", ' ..
    '"email": "reader-%s-%d@bench.example", "title": "Bench thread %d"}',
    run, n, n % 5000, run, n, n % threads)
  return wrk.format("POST", string.format("/new?uri=/bench/%s/%d", run, n % threads),
                    post_headers(), body)
end
