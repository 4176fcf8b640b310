"""Deployment fixtures: `ccin serve` as a real subprocess (as an operator starts it), and Debian's nginx in front
of it, both on free loopback ports with every file they write under the test's temporary directory."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import context, page  # noqa: F401  (per-test fixtures shared with tests/browser)
from tests.chromium import shared_chromium
from tests.servers import free_port, wait_until_ready

CCIN = Path(sys.executable).with_name("ccin")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def serve_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment for `ccin serve`: the index, no rate limit, no query log (the sample index is shared),
    offline, plus `settings` as CCIN_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CCIN_")}
    env.update(
        CCIN_DATA_DIR=str(data_dir),
        CCIN_RATE_LIMIT_PER_MINUTE="0",
        CCIN_QUERY_LOG="false",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    env.update({f"CCIN_{key.upper()}": value for key, value in settings.items()})
    return env


class Serve:
    """`ccin serve` in a subprocess on a free loopback port; its stderr (the log) goes to a file."""

    def __init__(self, workdir: Path, env: dict[str, str], *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"serve-{self.port}.log"
        self.command = [str(CCIN), "serve", "--port", str(self.port), *args]
        self.env = env
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Serve:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=log
            )
        process = self.process
        wait_until_ready(f"{self.url}/health", 300, alive=lambda: process.poll() is None, what="ccin serve")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> str:
        """Stop the server as systemd would (SIGTERM, a graceful shutdown) and answer everything it logged."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        return self.log_path.read_text(encoding="utf-8")


NGINX_CONF = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        # The app under a sub-path: nginx strips /kb/ (the trailing slash of proxy_pass), the app is told with
        # --root-path /kb.
        location /kb/ {{
            proxy_pass http://127.0.0.1:{app_port}/;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
        # Another site's pages on the same host, embedding the widget.
        location /site/ {{ root {tmp}; }}
    }}
}}
"""


class Nginx:
    """Debian's nginx as a subprocess (not a daemon), proxying /kb/ to an app on `app_port`."""

    def __init__(self, tmp: Path, app_port: int) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Run as root (a container, CI), nginx's workers would switch to a user who cannot read the test's folder.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = NGINX_CONF.format(user=user, tmp=tmp, port=self.port, app_port=app_port)
        (tmp / "nginx.conf").write_text(conf, encoding="utf-8")
        (tmp / "site").mkdir(exist_ok=True)
        self.command = [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")]
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        checked = subprocess.run([*self.command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [*self.command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        process = self.process
        wait_until_ready(f"{self.url}/kb/health", 60, alive=lambda: process.poll() is None, what="nginx")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The session's one Chromium, the same instance tests/browser uses."""
    with shared_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def proxied(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Nginx, Serve]]:
    """`ccin serve --root-path /kb` on the sample index behind nginx at /kb/, with CCIN_PUBLIC_URL the address
    through nginx."""
    if not Path(NGINX).is_file():
        pytest.fail(f"nginx is not installed at {NGINX}: run `make system` (as root) to install it")
    tmp = tmp_path_factory.mktemp("nginx")
    app_port = free_port()
    nginx = Nginx(tmp, app_port)
    env = serve_env(sample_index, public_url=f"{nginx.url}/kb")
    with Serve(tmp, env, "--root-path", "/kb", port=app_port) as serve, nginx:
        yield nginx, serve
