"""The routelens ingest client (api.md "Clients"): buffered gzip batches to POST /api/ingest.

Standard library only. Ingest is idempotent by trajectory id (a line stored again with identical
content changes nothing), so a batch whose answer was lost can be sent again safely: the client retries
on connection errors, 429 and 503, waiting as long as the server's ``Retry-After`` says, or with
exponential backoff where it says nothing.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Type, TypedDict

TRACE_FORMAT = "routelens.trace.v1"
#: Trajectories per request. A GRPO step of 16 queries x 8 rollouts is 128.
DEFAULT_BATCH_SIZE = 500
#: Uncompressed JSON Lines bytes per request (far below the server's ROUTELENS_INGEST_MAX_BYTES).
DEFAULT_BATCH_BYTES = 16 * 1024 * 1024
#: Statuses that mean "try again later": the request was not processed.
RETRY_STATUSES = frozenset({429, 503})
USER_AGENT = "routelens-python/0.1"


class LineError(TypedDict, total=False):
    """One refused line, as the server reported it, plus where it came from in this client."""

    #: The line number within its batch (1-based), as in the server's answer.
    line: int
    #: The trajectory id, when the line got far enough to have one.
    id: str
    #: The JSON path of the first problem, e.g. ``/steps/3/model`` or ``/training/group``.
    path: str
    message: str
    #: The request that carried the line (1-based, counted since the last flush).
    batch: int
    #: The line's position among the trajectories logged since the last flush (0-based).
    index: int


class Summary(TypedDict):
    """What the server stored, summed over the batches sent since the last flush."""

    stored: int
    unchanged: int
    replaced: int
    failed: int
    errors: List[LineError]
    #: Errors the server counted but did not list (it lists a bounded number per request).
    errors_omitted: int
    lines: int
    batches: int


def _empty_summary() -> Summary:
    return {"stored": 0, "unchanged": 0, "replaced": 0, "failed": 0, "errors": [], "errors_omitted": 0, "lines": 0, "batches": 0}


class RoutelensError(Exception):
    """Base class of the client's errors."""


class IngestError(RoutelensError):
    """Some lines were refused (HTTP 207). The other lines of the same batches were stored.

    ``errors`` holds one :class:`LineError` per refused line (line, id, path, message from the server's
    answer, plus ``batch`` and ``index``); ``summary`` is the whole summary of the flush.
    """

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        self.errors: List[LineError] = list(summary["errors"])
        shown = "; ".join(_describe(e) for e in self.errors[:5])
        more = summary["failed"] - min(5, len(self.errors))
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"{summary['failed']} of {summary['lines']} lines were refused: {shown}{tail}")


class ServerError(RoutelensError):
    """The server answered with an error status (after any retries it allowed)."""

    def __init__(self, status: int, code: Optional[str], message: str, attempts: int = 1) -> None:
        self.status = status
        self.code = code
        self.attempts = attempts
        tried = f" (after {attempts} attempts)" if attempts > 1 else ""
        super().__init__(f"routelens answered {status}{f' {code}' if code else ''}: {message}{tried}")


class ConnectionFailed(RoutelensError):
    """The server could not be reached (after every retry)."""

    def __init__(self, url: str, reason: BaseException, attempts: int) -> None:
        self.reason = reason
        self.attempts = attempts
        super().__init__(f"could not reach {url} after {attempts} attempts: {reason}")


def _describe(e: Mapping[str, Any]) -> str:
    where = f"line {e.get('line')}"
    if e.get("batch", 1) != 1:
        where += f" of batch {e.get('batch')}"
    if e.get("id"):
        where += f" ({e['id']})"
    if e.get("path"):
        where += f" at {e['path']}"
    return f"{where}: {e.get('message')}"


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or value.strip() == "":
        return None
    v = value.strip()
    try:
        return max(0.0, float(v))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Client:
    """Sends trajectories to ``POST {base_url}/api/ingest`` in gzip batches.

    ``log()`` buffers one trajectory (a dict in the trace v1 format; ``format`` is filled in when
    absent) and sends a batch whenever ``batch_size`` trajectories or ``batch_bytes`` bytes are
    buffered. ``flush()`` sends the rest and returns the summary of everything sent since the last
    flush, raising :class:`IngestError` if any of those lines was refused. ``close()`` flushes and
    closes; the client is also a context manager that does so on leaving the block.

    Safe to share between threads.
    """

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        replace: bool = False,
        timeout: float = 120.0,
        max_retries: int = 6,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
        compresslevel: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {base_url!r}")
        if batch_size < 1 or batch_bytes < 1:
            raise ValueError("batch_size and batch_bytes must be at least 1")
        if max_retries < 0 or backoff < 0 or max_backoff < 0:
            raise ValueError("max_retries, backoff and max_backoff must not be negative")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.replace = replace
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.compresslevel = compresslevel
        self._sleep = sleep
        self._lock = threading.RLock()
        self._buffer: List[bytes] = []
        self._buffer_bytes = 0
        # Trajectories logged since the last flush that have left the buffer (for LineError.index).
        self._sent_since_flush = 0
        self._pending = _empty_summary()
        self._closed = False

    # -- the public surface -------------------------------------------------------------------

    @property
    def buffered(self) -> int:
        """Trajectories logged but not sent yet."""
        return len(self._buffer)

    def log(self, trajectory: Mapping[str, Any]) -> None:
        """Buffers one trajectory; sends a batch when the buffer is full.

        Raises ``ValueError``/``TypeError`` at once for something that is not JSON (NaN, a set, ...).
        Per-line refusals of a batch sent from here are kept and raised by the next ``flush()``.
        """
        if not isinstance(trajectory, Mapping):
            raise TypeError(f"log() takes a trajectory dict, not {type(trajectory).__name__}")
        if "format" not in trajectory:
            trajectory = {"format": TRACE_FORMAT, **trajectory}
        line = json.dumps(trajectory, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
        with self._lock:
            if self._closed:
                raise RoutelensError("the client is closed")
            self._buffer.append(line)
            self._buffer_bytes += len(line)
            if len(self._buffer) >= self.batch_size or self._buffer_bytes >= self.batch_bytes:
                self._send_buffer()

    def flush(self) -> Summary:
        """Sends every buffered trajectory; returns the summary since the last flush.

        Raises :class:`IngestError` when some of those lines were refused (the rest are stored),
        :class:`ServerError` for an error answer, :class:`ConnectionFailed` when the server stays out
        of reach. Trajectories that could not be sent stay buffered for the next flush.
        """
        with self._lock:
            while self._buffer:
                self._send_buffer()
            summary, self._pending = self._pending, _empty_summary()
            self._sent_since_flush = 0
        if summary["failed"] > 0:
            raise IngestError(summary)
        return summary

    def close(self) -> Summary:
        """Flushes, then refuses further ``log()`` calls. Closing twice is harmless."""
        with self._lock:
            if self._closed:
                return _empty_summary()
            try:
                return self.flush()
            finally:
                self._closed = True

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        if exc_type is None:
            self.close()
            return
        # The block failed (a training loop crashed): still send what it logged, but let its own
        # exception be the one that surfaces.
        try:
            self.close()
        except RoutelensError as e:
            if exc is not None and hasattr(exc, "add_note"):
                exc.add_note(f"routelens: sending the buffered trajectories failed too: {e}")

    # -- sending ------------------------------------------------------------------------------

    def _send_buffer(self) -> None:
        """Sends up to one batch from the head of the buffer (the caller holds the lock)."""
        n, size = 0, 0
        while n < len(self._buffer) and n < self.batch_size and (n == 0 or size + len(self._buffer[n]) <= self.batch_bytes):
            size += len(self._buffer[n])
            n += 1
        batch = self._buffer[:n]
        answer = self._post(gzip.compress(b"".join(batch), compresslevel=self.compresslevel))
        # Only now, with the batch in the server's hands, does it leave the buffer.
        del self._buffer[:n]
        self._buffer_bytes -= size
        p = self._pending
        p["batches"] += 1
        for key in ("stored", "unchanged", "replaced", "failed", "errors_omitted"):
            p[key] += int(answer.get(key, 0) or 0)  # type: ignore[literal-required]
        p["lines"] += int(answer.get("lines", n) or n)
        for err in answer.get("errors", []) or []:
            e: LineError = {k: v for k, v in err.items() if k in ("line", "id", "path", "message")}  # type: ignore[assignment]
            e["batch"] = p["batches"]
            line = err.get("line")
            if isinstance(line, int) and 1 <= line <= n:
                e["index"] = self._sent_since_flush + line - 1
            p["errors"].append(e)
        self._sent_since_flush += n

    def _url(self) -> str:
        return f"{self.base_url}/api/ingest" + ("?replace=true" if self.replace else "")

    def _delay(self, attempt: int, retry_after: Optional[float]) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        # Exponential backoff with jitter, so that many trainers do not come back at the same moment.
        base = min(self.max_backoff, self.backoff * (2 ** attempt))
        return base * (0.5 + random.random() / 2)

    def _post(self, body: bytes) -> Dict[str, Any]:
        url = self._url()
        headers = {
            "Content-Type": "application/x-ndjson",
            "Content-Encoding": "gzip",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return _json_answer(response.read(), response.status)
            except urllib.error.HTTPError as e:
                raw = e.read()
                if e.code in RETRY_STATUSES and attempt < self.max_retries:
                    self._sleep(self._delay(attempt, parse_retry_after(e.headers.get("Retry-After"))))
                    attempt += 1
                    continue
                code, message = _error_of(raw, e.reason)
                raise ServerError(e.code, code, message, attempt + 1) from None
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as e:
                if attempt < self.max_retries:
                    self._sleep(self._delay(attempt, None))
                    attempt += 1
                    continue
                reason = e.reason if isinstance(e, urllib.error.URLError) and isinstance(e.reason, BaseException) else e
                raise ConnectionFailed(url, reason, attempt + 1) from e


def _json_answer(raw: bytes, status: int) -> Dict[str, Any]:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ServerError(status, None, f"the answer is not JSON: {raw[:200]!r}") from None
    if not isinstance(answer, dict):
        raise ServerError(status, None, f"the answer is not a summary: {raw[:200]!r}")
    return answer


def _error_of(raw: bytes, reason: Any) -> Tuple[Optional[str], str]:
    try:
        err = json.loads(raw.decode("utf-8")).get("error", {})
        return err.get("code"), str(err.get("message") or reason)
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        text = raw.decode("utf-8", "replace").strip()
        return None, text[:500] if text else str(reason)
