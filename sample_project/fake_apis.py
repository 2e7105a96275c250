"""The two external APIs the dashboard calls (payments and analytics), as one small ASGI app.

Every response waits ``latency`` seconds first (100 ms by default), like a real third-party API
across the internet, so the cost of calling two APIs one after the other is visible.

    GET /payments/customers/<customer_id>  -> billing summary
    GET /analytics/users/<user_id>         -> usage summary

Tests start it in a thread with :func:`serve_in_thread`; the benchmark runs it as a process:
``python fake_apis.py --port 8001 --latency-ms 100``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_LATENCY_SECONDS = 0.1
HOST = "127.0.0.1"


def _number(seed: str, modulo: int) -> int:
    """A stable pseudo-random number per id, so both view versions see the same payload."""
    return zlib.crc32(seed.encode()) % modulo


def billing(customer_id: str) -> dict:
    return {
        "customer": customer_id,
        "plan": ("free", "pro", "team")[_number(customer_id, 3)],
        "balance_cents": _number(customer_id, 100_000),
        "currency": "EUR",
    }


def analytics(user_id: int) -> dict:
    return {
        "user": user_id,
        "page_views_30d": _number(f"views-{user_id}", 5_000),
        "sessions_30d": _number(f"sessions-{user_id}", 300),
    }


class FakeApis:
    """ASGI app; ``hits`` counts answered requests per API, so tests can see what was called."""

    def __init__(self, latency: float = DEFAULT_LATENCY_SECONDS) -> None:
        self.latency = latency
        self.hits: Counter[str] = Counter()

    def route(self, path: str) -> tuple[int, dict]:
        match path.strip("/").split("/"):
            case ["payments", "customers", customer_id]:
                self.hits["payments"] += 1
                return 200, billing(customer_id)
            case ["analytics", "users", user_id] if user_id.isdigit():
                self.hits["analytics"] += 1
                return 200, analytics(int(user_id))
            case _:
                return 404, {"error": f"no route for {path}"}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":  # lifespan is turned off where this app is served
            return
        status, payload = self.route(scope["path"])
        await asyncio.sleep(self.latency)
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


@contextmanager
def serve_in_thread(app: FakeApis, timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake APIs did not start")
        time.sleep(0.01)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--latency-ms", type=float, default=DEFAULT_LATENCY_SECONDS * 1000)
    args = parser.parse_args()
    uvicorn.run(FakeApis(args.latency_ms / 1000), host=HOST, port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
