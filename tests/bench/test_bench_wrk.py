"""``make bench``'s wrk scripts: Isso's POSTs are well-formed and every non-2xx answer counts."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.harness.load import wrk

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class _Server(BaseHTTPRequestHandler):
    """Answers 302 to every third request (wrk counts only answers above 399 as errors)."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, dict]]] = []
    count = 0

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else {}
        type(self).seen.append((self.path, body))
        type(self).count += 1
        self.send_response(302 if type(self).count % 3 == 0 else 200)
        self.send_header("Content-Length", "2")
        if self.headers.get("Connection") == "close":  # wrk's every 20th request
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Server.seen, _Server.count = [], 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_answers_other_than_2xx_are_counted_when_asked(server):
    env = {"BENCH_ORIGIN": "https://bench.example"}
    counted = wrk(server + "/?uri=/t", "read.lua", seconds=1, connections=2,
                  env={**env, "BENCH_COUNT_STATUSES": "1"})
    assert counted["errors"] == 0  # wrk alone sees nothing wrong with a 302
    assert counted["not_2xx"] == pytest.approx(counted["requests"] / 3, abs=3)
    assert wrk(server + "/?uri=/t", "read.lua", seconds=1, connections=2, env=env
               )["not_2xx"] is None


def test_isso_posts_carry_a_unique_comment_and_a_title_on_threads_of_their_own(server):
    wrk(server + "/new", "isso_submit.lua", seconds=1, connections=2,
        env={"BENCH_ORIGIN": "https://bench.example", "BENCH_THREADS": "3",
             "BENCH_RUN": "r1"})
    paths = {urlsplit(path).path for path, _ in _Server.seen}
    uris = {parse_qs(urlsplit(path).query)["uri"][0] for path, _ in _Server.seen}
    bodies = [body for _, body in _Server.seen]
    assert paths == {"/new"} and uris <= {"/bench/r1/0", "/bench/r1/1", "/bench/r1/2"}
    assert len({body["text"] for body in bodies}) == len(bodies)
    assert len({body["email"] for body in bodies}) == len(bodies)
    assert all(body["title"] and body["author"] for body in bodies)
