"""The deployment files are valid and agree with each other and with the product: nginx accepts its site file,
systemd its units, Compose's file names only settings that exist, the image and `make setup` run the one
install script, and (slow) that script installs a working `ccin` into a fresh venv."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ccin.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = DEPLOY / "install.sh"
SETTINGS = {f"CCIN_{name.upper()}" for name in Settings.model_fields}
UNITS = ("ccin.service", "chroma.service", "ccin-ingest.service")
# The install prefix the units, the image and the guide share.
VENV = "/opt/ccin/venv"
MODEL_CACHE = "/opt/ccin/cache"
DATA_DIR = "/var/lib/ccin/data"


def _unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys such as Environment= repeat, so configparser's
    one-value-per-key model does not fit)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate((DEPLOY / name).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{name}:{number}: not a key=value line in a section: {raw!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _environment(unit: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    return dict(entry.split("=", 1) for entry in unit["Service"].get("Environment", []))


def _install_default_venv() -> str:
    match = re.search(r"^venv=(\S+)$", INSTALL.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert match, "deploy/install.sh sets no default venv"
    return match.group(1)


# ---- the install script -------------------------------------------------------------------------------------


def test_install_script_is_valid_bash_and_reads_its_options() -> None:
    for script in (INSTALL, DEPLOY / "ccin-admin"):
        subprocess.run(["bash", "-n", str(script)], check=True)
    shown = subprocess.run([str(INSTALL), "--help"], capture_output=True, text=True, check=True)
    for option in ("--venv", "--extras", "--editable", "--model-cache", "--torch-index"):
        assert option in shown.stdout
    unknown = subprocess.run([str(INSTALL), "--vnev", "/tmp/x"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "unknown option: --vnev" in unknown.stderr
    # Extras go into a pip requirement: anything but names and commas is refused before pip runs.
    odd = subprocess.run([str(INSTALL), "--extras", "dev] pip-audit", "--venv", "/nonexistent/v"], capture_output=True)
    assert odd.returncode == 2 and b"--extras takes names" in odd.stderr
    assert not Path("/nonexistent/v").exists()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None, reason="runuser needs root")
def test_ccin_admin_passes_the_settings_file_as_systemd_reads_it(tmp_path: Path) -> None:
    """deploy/ccin-admin reads the env file as systemd's EnvironmentFile= does (a value with spaces, quotes,
    comments), adds the unit's defaults, and runs the command as the given user; `env` as the command shows
    what `ccin` would get. A line that is not KEY=value is refused with its number."""
    data_dir = tmp_path / "data from the env file"
    (tmp_path / "ccin.env").write_text(
        f'# settings\nCCIN_DATA_DIR={data_dir}\n  CCIN_LOG_LEVEL = "warning"\n; CCIN_DATA_DIR=/elsewhere\n',
        encoding="utf-8",
    )
    env = {"PATH": os.environ["PATH"], "CCIN_ENV_FILE": str(tmp_path / "ccin.env"), "CCIN_USER": "root"}
    env["CCIN_BIN"] = shutil.which("env") or "/usr/bin/env"
    result = subprocess.run([str(DEPLOY / "ccin-admin")], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    seen = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert seen["CCIN_DATA_DIR"] == str(data_dir) and seen["CCIN_LOG_LEVEL"] == "warning"
    unit = _environment(_unit("ccin.service"))
    assert seen["XDG_CACHE_HOME"] == unit["XDG_CACHE_HOME"] and seen["HF_HUB_OFFLINE"] == unit["HF_HUB_OFFLINE"]

    for name, text, message in (
        ("absent.env", None, "cannot read"),
        ("bad.env", "CCIN_DATA_DIR\n", "line 1 is not KEY=value"),
    ):
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
        refused = subprocess.run(
            [str(DEPLOY / "ccin-admin")], env={**env, "CCIN_ENV_FILE": str(tmp_path / name)},
            capture_output=True, text=True,
        )  # fmt: skip
        assert refused.returncode == 2 and message in refused.stderr and not refused.stdout


def test_make_setup_runs_the_install_script_into_the_dev_venv() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^setup:\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    assert recipe
    lines = [shlex.split(line.strip()) for line in recipe.group(1).splitlines()]
    assert len(lines) == 1 and lines[0][0] == "deploy/install.sh"
    command = lines[0]
    assert command[command.index("--venv") + 1] == "$(VENV)"
    assert "--editable" in command and command[command.index("--extras") + 1] == "dev"


def test_the_install_prefix_is_the_one_the_units_the_image_and_the_guide_use() -> None:
    assert _install_default_venv() == VENV
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for text in (dockerfile, guide):
        assert f"--venv {VENV}" in text and f"--model-cache {MODEL_CACHE}" in text


# ---- systemd ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_units_run_the_installed_binaries_as_the_service_user_with_hardening(name: str) -> None:
    unit = _unit(name)
    service = unit["Service"]
    command = shlex.split(service["ExecStart"][0])
    assert command[0] == f"{VENV}/bin/{'chroma' if name == 'chroma.service' else 'ccin'}"
    assert service["User"] == ["ccin"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ReadWritePaths": "/var/lib/ccin",
    }.items():
        assert service.get(key) == [value], (name, key)
    environment = _environment(unit)
    if name != "chroma.service":
        assert service["EnvironmentFile"] == ["/etc/ccin/ccin.env"]
        # The index is inside the one writable path, and the model's export is where install.sh put it.
        assert environment["CCIN_DATA_DIR"] == DATA_DIR
        assert Path(DATA_DIR).is_relative_to(service["ReadWritePaths"][0])
        assert environment["XDG_CACHE_HOME"] == MODEL_CACHE
        assert set(environment) - {
            "XDG_CACHE_HOME",
            "HF_HUB_OFFLINE",
            "TRANSFORMERS_OFFLINE",
            "ANONYMIZED_TELEMETRY",
        } <= (SETTINGS)
    else:
        assert command[command.index("--path") + 1].startswith("/var/lib/ccin/")


def test_the_api_unit_serves_two_workers_on_loopback_and_restarts_on_failure() -> None:
    service = _unit("ccin.service")["Service"]
    command = shlex.split(service["ExecStart"][0])
    assert command[1:2] == ["serve"]
    assert command[command.index("--workers") + 1] == "2"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert service["Restart"] == ["on-failure"]
    # nginx's upstream is this port.
    nginx = (DEPLOY / "nginx-ccin.conf").read_text(encoding="utf-8")
    assert f"server 127.0.0.1:{command[command.index('--port') + 1]};" in nginx


def test_the_ingest_timer_starts_the_ingest_unit() -> None:
    timer = _unit("ccin-ingest.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == ["timers.target"]
    assert shlex.split(_unit("ccin-ingest.service")["Service"]["ExecStart"][0])[1] == "ingest"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("name", [*UNITS, "ccin-ingest.timer"])
def test_systemd_analyze_verifies_the_units(name: str, tmp_path: Path) -> None:
    """systemd's own check, with the install prefix pointed at this test's venv (it checks that the binary
    exists). Unknown or misspelt keys are only warnings to systemd-analyze, so any output fails too."""
    for unit in (*UNITS, "ccin-ingest.timer"):
        text = (DEPLOY / unit).read_text(encoding="utf-8").replace(f"{VENV}/", f"{Path(sys.prefix)}/")
        (tmp_path / unit).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / name)], capture_output=True, text=True
    )
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 0 and not output, output


# ---- nginx --------------------------------------------------------------------------------------------------


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    if shutil.which("openssl"):
        request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        subprocess.run(
            ["openssl", *request, "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
        return cert, key
    pytest.importorskip("cryptography", reason="neither openssl nor the cryptography package is installed")
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make system installs it)")
def test_nginx_accepts_the_site_file(tmp_path: Path) -> None:
    """`nginx -t` on the site file inside a minimal nginx.conf, with the certificate paths pointed at a
    self-signed pair and the logs in the temporary folder: nothing under /etc or /var is read or written."""
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx-ccin.conf").read_text(encoding="utf-8")
    site = re.sub(r"/etc/letsencrypt/live/[^/;]+/fullchain\.pem", str(cert), site)
    site = re.sub(r"/etc/letsencrypt/live/[^/;]+/privkey\.pem", str(key), site)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    directives = "\n".join(line.split("#", 1)[0] for line in site.splitlines())
    assert "/etc/" not in directives and "/var/log" not in directives
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_allows_uploads_as_large_as_the_app_accepts_and_has_both_variants() -> None:
    site = (DEPLOY / "nginx-ccin.conf").read_text(encoding="utf-8")
    sizes = [int(size) for size in re.findall(r"client_max_body_size (\d+)m;", site)]
    assert sizes and min(sizes) >= Settings().max_upload_mb + 1  # the multipart form around the file
    assert "return 301 https://$host$request_uri;" in site
    # The sub-path variant strips /kb/ (proxy_pass with a path) for an app run with CCIN_ROOT_PATH=/kb.
    assert re.search(r"location /kb/ \{[^}]*proxy_pass http://ccin_app/;", site)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in site


# ---- Docker and Compose -------------------------------------------------------------------------------------


def test_the_dockerfile_installs_with_the_script_and_runs_as_a_user_of_its_own() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    instructions = [(line.split(None, 1)[0], line.split(None, 1)[1]) for line in lines if line and line[0].isupper()]
    runs = [argument for word, argument in instructions if word == "RUN"]
    assert any(run.split()[0].endswith("deploy/install.sh") for run in runs)
    users = [argument.strip() for word, argument in instructions if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("EXPOSE", "8000") in instructions
    assert any(word == "VOLUME" and "/var/lib/ccin" in argument for word, argument in instructions)
    assert any(word == "HEALTHCHECK" and "/health" in argument for word, argument in instructions)
    cmd = next(argument for word, argument in reversed(instructions) if word == "CMD")
    assert cmd.startswith('["ccin", "serve", "--host", "0.0.0.0"')
    env = " ".join(argument for word, argument in instructions if word == "ENV")
    assert f"XDG_CACHE_HOME={MODEL_CACHE}" in env and f"CCIN_DATA_DIR={DATA_DIR}" in env


def test_compose_file_names_only_settings_that_exist() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"api", "chroma", "ingest"}
    assert services["ingest"]["profiles"] == ["ingest"]
    assert set(compose["volumes"]) == {"ccin-data"}
    for name, service in services.items():
        assert service["image"] == "ccin-kb:latest" and service["build"] == "."
        assert "ccin-data:/var/lib/ccin" in service["volumes"], name
    api, ingest = services["api"]["environment"], services["ingest"]["environment"]
    assert api["CCIN_CHROMA_URL"] == "http://chroma:8001" == ingest["CCIN_CHROMA_URL"]
    assert "8001" in services["chroma"]["command"]
    assert services["ingest"]["command"][:2] == ["ccin", "ingest"]
    names = {key for key in (*api, *ingest) if key.startswith("CCIN_")}
    names |= set(re.findall(r"\$\{(CCIN_[A-Z_]+)", text))
    assert names and names <= SETTINGS, names - SETTINGS


def test_the_example_env_file_and_the_guide_name_only_settings_that_exist() -> None:
    for path in (DEPLOY / "ccin.env.example", ROOT / "docs" / "deploy.md"):
        named = set(re.findall(r"\bCCIN_[A-Z][A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8")))
        assert named and named <= SETTINGS | {"CCIN_ENV_FILE", "CCIN_BIN"}, (path.name, named - SETTINGS)
    example = (DEPLOY / "ccin.env.example").read_text(encoding="utf-8")
    assert re.search(rf"^CCIN_DATA_DIR={DATA_DIR}$", example, flags=re.MULTILINE)


# ---- the install script for real ----------------------------------------------------------------------------


@pytest.mark.slow
def test_install_script_installs_a_working_ccin_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    """deploy/install.sh into a fresh venv, as a server runs it (not editable, no extras), from a copy of the
    source so that edits elsewhere cannot change what is installed halfway. pip takes its packages from its
    configuration (index or wheel cache); on a machine that cannot reach them this test fails at pip."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "deploy", "ccin", "api", "ingest", "kb", "evaluations", "corpus"):
        origin = ROOT / name
        if origin.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "results")
            shutil.copytree(origin, source / name, ignore=ignore)
        else:
            shutil.copy2(origin, source / name)
    venv, cache = tmp_path / "venv", tmp_path / "cache"
    # Relative paths, as `make setup` passes them (--venv .venv): the script makes them absolute.
    command = [str(source / "deploy" / "install.sh"), "--venv", "venv", "--model-cache", "cache"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"installed ccin-kb into {venv}" in first.stdout
    exported = list(cache.glob("ccin-kb/onnx/*/model.onnx"))
    assert len(exported) == 1
    help_text = subprocess.run([str(venv / "bin" / "ccin"), "--help"], capture_output=True, text=True, check=True)
    assert "serve" in help_text.stdout and "ingest" in help_text.stdout
    # Not a developer install: the package is a copy in the venv, the dev tools are absent.
    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import kb, importlib.util as u; print(kb.__file__, u.find_spec('pytest'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert where.stdout.startswith(str(venv)) and where.stdout.split()[-1] == "None"
    installed = sorted(p.name for p in (venv / "lib").glob("python3*/site-packages/*"))
    export_stamp = exported[0].stat().st_mtime_ns

    second = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "pip steps skipped" in second.stdout
    assert sorted(p.name for p in (venv / "lib").glob("python3*/site-packages/*")) == installed
    assert exported[0].stat().st_mtime_ns == export_stamp
