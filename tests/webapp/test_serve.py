"""`aftercare serve` runs the app under waitress, a production WSGI server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_health_checks(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "AFTERCARE_DATABASE_URL": db_url, "AFTERCARE_INSTANCE": str(tmp_path)}
    command = [sys.executable, "-m", "webapp.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body, deadline = None, time.monotonic() + 20
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body, server_header = response.read(), response.headers.get("Server")
            except OSError:
                time.sleep(0.2)
        assert body == b'{"status":"ok"}\n'
        assert server_header == "waitress"
    finally:
        server.terminate()
        server.wait(timeout=10)
