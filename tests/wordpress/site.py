"""A real WordPress site on loopback for the plugin tests: Debian's MariaDB (`mariadbd`) and WordPress
(`/usr/share/wordpress`, served by `php -S`), with every file, socket and table in one temporary folder.

Debian's wp-config.php reads its settings from /etc/wordpress. To need nothing there, the site's document root
is a folder of symlinks to /usr/share/wordpress beside our own wp-config.php and wp-content, and PHP prepends a
file that defines ABSPATH as that folder: WordPress then finds our wp-config.php, not Debian's."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.servers import free_port, wait_until_ready

WORDPRESS = Path("/usr/share/wordpress")
HERE = Path(__file__).resolve().parent
SETUP_SCRIPT = HERE / "setup_site.php"
THEME = HERE / "theme"
MARIADBD = "/usr/sbin/mariadbd"

WP_CONFIG = """<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '127.0.0.1:{db_port}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
{salts}
define( 'WP_HOME', '{url}' );
define( 'WP_SITEURL', '{url}' );
define( 'WP_CONTENT_DIR', ABSPATH . 'wp-content' );
define( 'WP_CONTENT_URL', '{url}/wp-content' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', '{debug_log}' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
$table_prefix = 'wp_';
require_once ABSPATH . 'wp-settings.php';
"""
SALTS = (
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
)


@dataclass
class WordPressSite:
    """The running site: its address, the admin's password, the posts setup_site.php published and the times
    each start-up step took."""

    root: Path
    url: str
    admin_password: str
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    author_filtered: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def debug_log(self) -> Path:
        return self.root / "debug.log"

    def php(self, script: Path, *args: str) -> str:
        """Run a PHP script inside this WordPress (ABSPATH defined) and answer its standard output."""
        done = subprocess.run(
            ["php", "-d", f"auto_prepend_file={self.root / 'prepend.php'}", str(script), *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.root / "www",
        )
        if done.returncode != 0:
            raise RuntimeError(f"{script.name} failed ({done.returncode}): {done.stderr or done.stdout}")
        return done.stdout

    def option(self, name: str) -> Any:
        """An option's stored value, read through WordPress."""
        script = self.root / "read_option.php"
        script.write_text(
            "<?php require_once ABSPATH . 'wp-load.php'; echo wp_json_encode( get_option( $argv[1], null ) );",
            encoding="utf-8",
        )
        return json.loads(self.php(script, name))

    def stop(self) -> None:
        # Each server runs in its own process group (php -S forks its workers): signal the whole group.
        for process in reversed(self._processes):
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self._logs:
            log.close()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group has already gone
        os.killpg(process.pid, sig)


def start_site(root: Path, plugin_zip: Path, api_url: str, port: int) -> WordPressSite:
    """Start MariaDB and WordPress under `root`, install the site on http://127.0.0.1:`port` with the plugin
    unpacked from `plugin_zip` and its API address set to `api_url`. On failure, stop what started and raise."""
    site = WordPressSite(root=root, url=f"http://127.0.0.1:{port}", admin_password=secrets.token_urlsafe(16))
    try:
        db_port = _start_mariadb(site)
        _build_tree(site, plugin_zip, db_port)
        began = time.monotonic()
        installed = json.loads(site.php(SETUP_SCRIPT, site.url, site.admin_password, api_url))
        site.timings["install"] = time.monotonic() - began
        site.posts = installed["posts"]
        site.author_filtered = installed["author_filtered"]
        _start_php_server(site, port)
    except BaseException:
        site.stop()
        raise
    return site


def _log(site: WordPressSite, name: str) -> IO[bytes]:
    log = (site.root / name).open("wb")
    site._logs.append(log)
    return log


def _start_mariadb(site: WordPressSite) -> int:
    """A private MariaDB: a fresh data folder, a free loopback port, no grant checks (nothing else can reach
    it), then the `wordpress` database. Answers the port."""
    began = time.monotonic()
    datadir = site.root / "mysql"
    subprocess.run(
        [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={datadir}",
            "--user=root",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site.timings["mariadb-install-db"] = time.monotonic() - began
    port = free_port()
    socket = site.root / "mysql.sock"
    process = subprocess.Popen(
        [
            MARIADBD,
            "--no-defaults",
            f"--datadir={datadir}",
            f"--socket={socket}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={site.root / 'mysql.pid'}",
            "--skip-grant-tables",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--user=root",
        ],
        stdout=_log(site, "mariadb.log"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    site._processes.append(process)

    def created() -> bool:
        done = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={socket}", "-e", "CREATE DATABASE IF NOT EXISTS wordpress"],
            capture_output=True,
            timeout=60,
        )
        return done.returncode == 0

    wait_until_ready(created, 120, alive=lambda: process.poll() is None, what="mariadbd", interval=0.2)
    site.timings["mariadb"] = time.monotonic() - began
    return port


def _build_tree(site: WordPressSite, plugin_zip: Path, db_port: int) -> None:
    """The document root: symlinks to Debian's WordPress, our wp-config.php, and a wp-content holding the
    test theme and the plugin as its zip unpacks (what a site owner would upload)."""
    www = site.root / "www"
    www.mkdir()
    for entry in WORDPRESS.iterdir():
        if entry.name not in ("wp-config.php", "wp-content"):
            (www / entry.name).symlink_to(entry)
    content = www / "wp-content"
    (content / "plugins").mkdir(parents=True)
    (content / "themes").mkdir()
    (content / "uploads").mkdir()
    shutil.copytree(THEME, content / "themes" / "ccin-test")
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(content / "plugins")
    salts = "\n".join(f"define( '{name}', '{secrets.token_hex(32)}' );" for name in SALTS)
    config = WP_CONFIG.format(db_port=db_port, salts=salts, url=site.url, debug_log=site.debug_log)
    (www / "wp-config.php").write_text(config, encoding="utf-8")
    (site.root / "prepend.php").write_text(f"<?php define( 'ABSPATH', '{www}/' );\n", encoding="utf-8")


def _start_php_server(site: WordPressSite, port: int) -> None:
    """PHP's built-in web server with a few workers (a page and its scripts load in parallel)."""
    began = time.monotonic()
    process = subprocess.Popen(
        [
            "php",
            "-d",
            f"auto_prepend_file={site.root / 'prepend.php'}",
            "-S",
            f"127.0.0.1:{port}",
            "-t",
            str(site.root / "www"),
        ],
        stdout=_log(site, "php-server.log"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
        start_new_session=True,
    )
    site._processes.append(process)
    wait_until_ready(f"{site.url}/wp-login.php", 120, alive=lambda: process.poll() is None, what="php -S", interval=0.1)
    site.timings["php -S"] = time.monotonic() - began
