"""The client against a real routelens server (never a mock).

The server is started by the test harness (`npm test -- python`, scripts/python-tests.ts): `next start`
on a fresh database, with an ingest key and a read key, told to these tests by
ROUTELENS_TEST_URL, ROUTELENS_TEST_INGEST_KEY and ROUTELENS_TEST_READ_KEY. Between the client and the
server sits, where a test needs it, a small proxy of the standard library that forwards every
request, records it, and can answer one with a 503 (and Retry-After) or drop the connection first.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routelens import Client, ConnectionFailed, IngestError, RoutelensError, ServerError, parse_retry_after  # noqa: E402

URL = os.environ.get("ROUTELENS_TEST_URL", "")
INGEST_KEY = os.environ.get("ROUTELENS_TEST_INGEST_KEY", "")
READ_KEY = os.environ.get("ROUTELENS_TEST_READ_KEY", "")


def setUpModule() -> None:  # noqa: N802 (unittest's name)
    if not URL:
        raise RuntimeError(
            "these tests run against a real routelens server: run them with `npm test -- python` "
            "(from the repository root), which starts one and sets ROUTELENS_TEST_URL and the keys"
        )


def get(path: str, key: str = "") -> Any:
    req = urllib.request.Request(URL + path, headers={"Authorization": f"Bearer {key or READ_KEY}"})
    with urllib.request.urlopen(req, timeout=60) as res:
        return json.load(res)


SMALL = {"id": "qwen3-1.7b", "params_b": 1.7, "usd_per_mtok_in": 0.10, "usd_per_mtok_out": 0.40}
LARGE = {"id": "qwen3-32b", "params_b": 32, "usd_per_mtok_in": 0.80, "usd_per_mtok_out": 3.20}


def trajectory(run: str, i: int, *, step: Optional[int] = None, correct: bool = True, group: Optional[str] = None, query: str = "q-1") -> Dict[str, Any]:
    t: Dict[str, Any] = {
        "id": f"{run}/t{i}",
        "run": {"id": run, "policy": "test"},
        "query": {"id": f"{run}-{query}", "text": "Find $x$ with $2x = 6$."},
        "models": [SMALL, LARGE],
        "steps": [
            {"index": 0, "model": SMALL["id"], "text": "Divide by 2.", "tokens_in": 100, "tokens_out": 20},
            {"index": 1, "model": LARGE["id"], "text": "So $x = 3$.", "tokens_in": 150, "tokens_out": 10},
        ],
        "final_answer": "3",
        "correct": correct,
    }
    if step is not None:
        t["training"] = {"step": step} if group is None else {"step": step, "group": group}
    return t


def fresh_run() -> str:
    return f"py-{uuid.uuid4().hex[:10]}"


class Proxy:
    """Forwards requests to the server and records them; `plan` says what to do with the next POSTs."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.requests: List[Dict[str, Any]] = []
        # Consumed one per POST: "forward", ("status", code, headers) or "drop". Empty: forward.
        self.plan: List[Any] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                proxy.requests.append({"path": self.path, "headers": dict(self.headers), "body": body, "at": time.monotonic()})
                action = proxy.plan.pop(0) if proxy.plan else "forward"
                if action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if isinstance(action, tuple) and action[0] == "status":
                    _, code, headers = action
                    answer = json.dumps({"error": {"code": "unavailable", "message": "try again"}}).encode()
                    self.send_response(code)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                status, headers, answer = proxy.forward(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def forward(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> Tuple[int, List[Tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            return res.status, res.getheaders(), res.read()
        finally:
            conn.close()

    def posts(self) -> List[Dict[str, Any]]:
        return self.requests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Sleeps:
    """Records the waits the client asks for (and waits them, so a test sees real time pass)."""

    def __init__(self) -> None:
        self.waits: List[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(seconds)


class ClientAgainstServer(unittest.TestCase):
    def setUp(self) -> None:
        self.proxy = Proxy(URL)

    def tearDown(self) -> None:
        self.proxy.stop()

    def stored_ids(self, run: str) -> List[str]:
        page = get(f"/api/trajectories?run={urllib.parse.quote(run)}&limit=200&sort=id")
        return sorted(item["id"] for item in page["items"])

    def test_sends_buffered_gzip_batches_that_the_server_stores(self) -> None:
        run = fresh_run()
        client = Client(self.proxy.url, api_key=INGEST_KEY, batch_size=3)
        for i in range(7):
            client.log(trajectory(run, i, step=i // 4))
        # Two full batches went out while logging; the seventh trajectory waits in the buffer.
        self.assertEqual(len(self.proxy.posts()), 2)
        self.assertEqual(client.buffered, 1)
        summary = client.flush()
        self.assertEqual(summary["stored"], 7)
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(summary["batches"], 3)
        self.assertEqual(summary["lines"], 7)
        posts = self.proxy.posts()
        self.assertEqual(len(posts), 3)
        for p in posts:
            self.assertEqual(p["path"], "/api/ingest")
            self.assertEqual(p["headers"].get("Content-Encoding"), "gzip")
            self.assertEqual(p["headers"].get("Authorization"), f"Bearer {INGEST_KEY}")
            self.assertEqual(p["body"][:2], b"\x1f\x8b")
        lines = [json.loads(line) for p in posts for line in gzip.decompress(p["body"]).decode().splitlines()]
        self.assertEqual([t["id"] for t in lines], [f"{run}/t{i}" for i in range(7)])
        self.assertTrue(all(t["format"] == "routelens.trace.v1" for t in lines))
        self.assertEqual(self.stored_ids(run), sorted(f"{run}/t{i}" for i in range(7)))
        stored = get(f"/api/trajectories/{urllib.parse.quote(run + '/t5', safe='')}")
        self.assertEqual(stored["training"], {"step": 1, "group": f"{run}-q-1@1"})
        # The training curve sees both steps.
        curve = get(f"/api/runs/{urllib.parse.quote(run, safe='')}/training", INGEST_KEY)
        self.assertEqual([(p["step"], p["rollouts"]) for p in curve["steps"]], [(0, 4), (1, 3)])
        # Sending the same again changes nothing (ingest is idempotent, which makes retries safe).
        again = Client(URL, api_key=INGEST_KEY)
        for i in range(7):
            again.log(trajectory(run, i, step=i // 4))
        self.assertEqual(again.flush()["unchanged"], 7)

    def test_raises_per_line_errors_with_line_numbers_and_paths(self) -> None:
        run = fresh_run()
        bad_model = trajectory(run, 1)
        bad_model["steps"][1]["model"] = "gpt-nobody"
        conflicting = trajectory(run, 3, step=2, group=f"{run}-q-1@0")  # that group is stored at step 0
        client = Client(self.proxy.url, api_key=INGEST_KEY, batch_size=3)
        client.log(trajectory(run, 0, step=0))
        client.log(bad_model)
        client.log(trajectory(run, 2, step=0))
        client.log(conflicting)
        client.log(trajectory(run, 4))
        with self.assertRaises(IngestError) as caught:
            client.flush()
        e = caught.exception
        self.assertEqual(e.summary["stored"], 3)
        self.assertEqual(e.summary["failed"], 2)
        self.assertEqual(len(e.errors), 2)
        first, second = e.errors
        self.assertEqual((first["line"], first["batch"], first["index"], first["id"]), (2, 1, 1, f"{run}/t1"))
        self.assertEqual(first["path"], "/steps/1/model")
        self.assertIn("gpt-nobody", first["message"])
        self.assertEqual((second["line"], second["batch"], second["index"], second["id"]), (1, 2, 3, f"{run}/t3"))
        self.assertEqual(second["path"], "/training/group")
        self.assertIn("line 2", str(e))
        self.assertIn("/steps/1/model", str(e))
        # The valid lines of the same batches were stored; the refused ones were not.
        self.assertEqual(self.stored_ids(run), sorted(f"{run}/t{i}" for i in (0, 2, 4)))
        # The errors were raised once: the next flush starts afresh.
        self.assertEqual(client.flush()["failed"], 0)

    def test_retries_after_a_503_as_long_as_retry_after_says(self) -> None:
        run = fresh_run()
        self.proxy.plan = [("status", 503, {"Retry-After": "1"})]
        sleeps = Sleeps()
        client = Client(self.proxy.url, api_key=INGEST_KEY, sleep=sleeps, backoff=0.01)
        client.log(trajectory(run, 0, step=0))
        client.log(trajectory(run, 1, step=0))
        summary = client.flush()
        self.assertEqual(summary["stored"], 2)
        self.assertEqual(sleeps.waits, [1.0])  # Retry-After, not the 0.01 s backoff
        posts = self.proxy.posts()
        self.assertEqual(len(posts), 2)
        self.assertGreaterEqual(posts[1]["at"] - posts[0]["at"], 1.0)
        self.assertEqual(posts[0]["body"], posts[1]["body"])  # the same batch again
        self.assertEqual(self.stored_ids(run), [f"{run}/t0", f"{run}/t1"])

    def test_retries_a_429_and_a_dropped_connection_with_backoff(self) -> None:
        run = fresh_run()
        self.proxy.plan = [("status", 429, {}), "drop"]
        sleeps = Sleeps()
        client = Client(self.proxy.url, api_key=INGEST_KEY, sleep=sleeps, backoff=0.05)
        client.log(trajectory(run, 0))
        self.assertEqual(client.flush()["stored"], 1)
        self.assertEqual(len(self.proxy.posts()), 3)
        self.assertEqual(len(sleeps.waits), 2)
        # Exponential backoff with jitter: the second wait is drawn from twice the first's range.
        self.assertTrue(0.025 <= sleeps.waits[0] <= 0.05, sleeps.waits)
        self.assertTrue(0.05 <= sleeps.waits[1] <= 0.1, sleeps.waits)

    def test_gives_up_after_max_retries_and_keeps_the_batch(self) -> None:
        run = fresh_run()
        self.proxy.plan = [("status", 503, {"Retry-After": "0"})] * 3
        client = Client(self.proxy.url, api_key=INGEST_KEY, max_retries=2, sleep=lambda s: None)
        client.log(trajectory(run, 0))
        with self.assertRaises(ServerError) as caught:
            client.flush()
        self.assertEqual((caught.exception.status, caught.exception.attempts), (503, 3))
        self.assertEqual(client.buffered, 1)
        # Once the server answers again, the kept batch goes out.
        self.assertEqual(client.flush()["stored"], 1)
        self.assertEqual(self.stored_ids(run), [f"{run}/t0"])

    def test_does_not_retry_a_refused_key(self) -> None:
        client = Client(URL, api_key="rl_not-a-key-at-all", sleep=lambda s: self.fail("retried a 401"))
        client.log(trajectory(fresh_run(), 0))
        with self.assertRaises(ServerError) as caught:
            client.flush()
        self.assertEqual(caught.exception.status, 401)

    def test_reports_a_server_out_of_reach(self) -> None:
        self.proxy.stop()
        client = Client(self.proxy.url, max_retries=2, sleep=lambda s: None)
        client.log(trajectory(fresh_run(), 0))
        with self.assertRaises(ConnectionFailed) as caught:
            client.flush()
        self.assertEqual(caught.exception.attempts, 3)
        self.proxy = Proxy(URL)  # for tearDown

    def test_the_context_manager_flushes_and_closes(self) -> None:
        run = fresh_run()
        with Client(self.proxy.url, api_key=INGEST_KEY) as client:
            for i in range(5):
                client.log(trajectory(run, i, step=3))
            self.assertEqual(self.proxy.posts(), [])  # buffered until the block ends
        self.assertEqual(len(self.proxy.posts()), 1)
        self.assertEqual(self.stored_ids(run), sorted(f"{run}/t{i}" for i in range(5)))
        with self.assertRaises(RoutelensError):
            client.log(trajectory(run, 9))

    def test_the_context_manager_sends_what_a_failed_loop_logged(self) -> None:
        run = fresh_run()
        with self.assertRaises(ZeroDivisionError):
            with Client(self.proxy.url, api_key=INGEST_KEY) as client:
                client.log(trajectory(run, 0))
                1 / 0
        self.assertEqual(self.stored_ids(run), [f"{run}/t0"])

    def test_the_context_manager_raises_refused_lines(self) -> None:
        run = fresh_run()
        bad = trajectory(run, 1)
        del bad["correct"]
        with self.assertRaises(IngestError) as caught:
            with Client(self.proxy.url, api_key=INGEST_KEY) as client:
                client.log(trajectory(run, 0))
                client.log(bad)
        self.assertEqual(caught.exception.errors[0]["line"], 2)
        self.assertEqual(caught.exception.errors[0]["path"], "/correct")

    def test_refuses_what_is_not_json_at_log_time(self) -> None:
        client = Client(URL)
        t = trajectory(fresh_run(), 0)
        t["meta"] = {"loss": float("nan")}
        with self.assertRaises(ValueError):
            client.log(t)
        self.assertEqual(client.buffered, 0)

    def test_the_grpo_example_logs_a_training_run(self) -> None:
        run = fresh_run()
        out = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "grpo_loop.py"), "--url", URL, "--api-key", INGEST_KEY, "--run", run, "--steps", "3", "--queries", "2", "--group-size", "4"],
            capture_output=True, text=True, timeout=300,
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("step 2: stored 8", out.stdout)
        curve = get(f"/api/runs/{urllib.parse.quote(run, safe='')}/training", INGEST_KEY)
        self.assertEqual([(p["step"], p["rollouts"], p["groups"]) for p in curve["steps"]], [(0, 8, 2), (1, 8, 2), (2, 8, 2)])
        groups = get(f"/api/runs/{urllib.parse.quote(run, safe='')}/groups?step=1")
        self.assertEqual(sorted(g["group"] for g in groups["items"]), ["toy-000@1", "toy-001@1"])
        one = get(f"/api/runs/{urllib.parse.quote(run, safe='')}/groups/{urllib.parse.quote('toy-000@1', safe='')}")
        self.assertEqual(len(one["rollouts"]), 4)
        self.assertTrue(all(r["process_score"] is not None for r in one["rollouts"]))


class RetryAfter(unittest.TestCase):
    def test_reads_seconds_and_http_dates(self) -> None:
        self.assertEqual(parse_retry_after("3"), 3.0)
        self.assertEqual(parse_retry_after(" 0 "), 0.0)
        self.assertAlmostEqual(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0), 30.0)
        self.assertEqual(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0), 0.0)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("soon"))


if __name__ == "__main__":
    unittest.main()
